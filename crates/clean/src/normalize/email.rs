//! E-mail addresses: trimmed, lower-cased, syntax-checked, domain extracted, free-mail recognised.
//!
//! Accepted: `local@domain.tld` with one `@`, no whitespace, a local part of at most 64 letters,
//! digits and ``!#$%&'*+/=?^_`{|}~.-`` (no dot at either end nor two in a row), and a domain of at
//! least two labels of letters, digits and hyphens (1 to 63 characters, no hyphen at either end)
//! whose last label is letters only (or an IDNA `xn--` label). Text around the address the way
//! mail programs copy it (`Jean Dupont <jean@acme.fr>`, `mailto:jean@acme.fr`) is removed first.
//! Quoted local parts and IP-address domains are valid by RFC 5322 but never seen in CRM data, and
//! are rejected.
//!
//! The displayed address is only trimmed and lower-cased. Gmail ignores dots and `+tags` in the
//! local part, so `Jean.Dupont+crm@gmail.com` and `jeandupont@googlemail.com` are one mailbox:
//! that folding happens in [`Email::match_key`] only, never in [`Email::address`].

use super::error::{Field, NormalizeError, Reason};
use super::text;

/// Domains of free webmail providers: an address there says nothing about the company.
pub const FREE_MAIL_DOMAINS: &[&str] = &[
    "163.com",
    "aliceadsl.fr",
    "aol.com",
    "aol.fr",
    "att.net",
    "bbox.fr",
    "bluewin.ch",
    "btinternet.com",
    "club-internet.fr",
    "comcast.net",
    "free.fr",
    "freenet.de",
    "gmail.com",
    "gmx.at",
    "gmx.ch",
    "gmx.com",
    "gmx.de",
    "gmx.fr",
    "gmx.net",
    "googlemail.com",
    "hotmail.be",
    "hotmail.co.uk",
    "hotmail.com",
    "hotmail.de",
    "hotmail.es",
    "hotmail.fr",
    "hotmail.it",
    "icloud.com",
    "laposte.net",
    "libero.it",
    "live.be",
    "live.co.uk",
    "live.com",
    "live.fr",
    "mac.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "neuf.fr",
    "numericable.fr",
    "orange.fr",
    "outlook.be",
    "outlook.com",
    "outlook.de",
    "outlook.es",
    "outlook.fr",
    "outlook.it",
    "pm.me",
    "proton.me",
    "protonmail.ch",
    "protonmail.com",
    "qq.com",
    "sfr.fr",
    "sky.com",
    "skynet.be",
    "t-online.de",
    "telenet.be",
    "tiscali.it",
    "tutanota.com",
    "verizon.net",
    "virgilio.it",
    "wanadoo.fr",
    "web.de",
    "yahoo.co.uk",
    "yahoo.com",
    "yahoo.de",
    "yahoo.es",
    "yahoo.fr",
    "yahoo.it",
    "yandex.com",
    "yandex.ru",
    "ymail.com",
    "zoho.com",
];

/// Whether `domain` (lower-case) belongs to a free webmail provider of [`FREE_MAIL_DOMAINS`].
pub fn is_free_mail_domain(domain: &str) -> bool {
    FREE_MAIL_DOMAINS.binary_search(&domain).is_ok()
}

/// An e-mail address, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// The address, trimmed and lower-cased: `jean.dupont+crm@gmail.com`.
    pub address: String,
    /// The part after `@`: `gmail.com`.
    pub domain: String,
    /// Whether the domain is a free webmail provider's.
    pub is_free_mail: bool,
    /// The key two addresses of one mailbox share: the address, with Gmail's dots and `+tag`
    /// removed and `googlemail.com` read as `gmail.com`.
    pub match_key: String,
}

impl Email {
    /// The part before `@`.
    pub fn local_part(&self) -> &str {
        &self.address[..self.address.len() - self.domain.len() - 1]
    }
}

/// Strips what mail programs put around an address: `Name <address>`, `mailto:`.
fn unwrap_address(s: &str) -> &str {
    let s = match (s.rfind('<'), s.rfind('>')) {
        (Some(open), Some(close)) if open < close => s[open + 1..close].trim(),
        _ => s,
    };
    match s.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("mailto:") => s[7..].trim(),
        _ => s,
    }
}

fn check_local(local: &str) -> Result<(), Reason> {
    let bad = |detail| Err(Reason::InvalidLocalPart { detail });
    if local.is_empty() {
        return bad("empty");
    }
    if local.chars().count() > 64 {
        return bad("longer than 64 characters");
    }
    if local.starts_with('.') || local.ends_with('.') {
        return bad("starts or ends with a dot");
    }
    if local.contains("..") {
        return bad("two dots in a row");
    }
    match local
        .chars()
        .find(|&c| !(c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c)))
    {
        Some(ch) => Err(Reason::InvalidCharacter { ch }),
        None => Ok(()),
    }
}

fn check_domain(domain: &str) -> Result<(), Reason> {
    let bad = |detail| Err(Reason::InvalidDomain { detail });
    if domain.is_empty() {
        return bad("empty");
    }
    if domain.len() > 253 {
        return bad("longer than 253 characters");
    }
    if let Some(ch) = domain
        .chars()
        .find(|&c| !(c.is_alphanumeric() || c == '-' || c == '.'))
    {
        return Err(Reason::InvalidCharacter { ch });
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return bad("no dot, so no top-level domain");
    }
    for label in &labels {
        if label.is_empty() {
            return bad("empty label (a dot at an end or two dots in a row)");
        }
        if label.chars().count() > 63 {
            return bad("label longer than 63 characters");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return bad("label starts or ends with a hyphen");
        }
    }
    let tld = labels[labels.len() - 1];
    let tld_ok = tld.starts_with("xn--")
        || (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    if !tld_ok {
        return bad("top-level domain must be at least two letters");
    }
    Ok(())
}

/// Gmail ignores dots and anything after `+` in the local part, and `googlemail.com` is
/// `gmail.com`; other providers differ, so only Gmail is folded.
fn match_key(local: &str, domain: &str) -> String {
    if domain == "gmail.com" || domain == "googlemail.com" {
        let base = local.split('+').next().unwrap_or(local);
        let base: String = base.chars().filter(|&c| c != '.').collect();
        format!("{base}@gmail.com")
    } else {
        format!("{local}@{domain}")
    }
}

/// Normalizes and checks an e-mail address.
///
/// ```
/// use cible_clean::normalize::email::normalize_email;
/// let e = normalize_email("  Jean.Dupont+CRM@GMail.com ").unwrap();
/// assert_eq!(e.address, "jean.dupont+crm@gmail.com");
/// assert_eq!(e.domain, "gmail.com");
/// assert!(e.is_free_mail);
/// assert_eq!(e.match_key, "jeandupont@gmail.com");
///
/// let err = normalize_email("jean.dupont@acme").unwrap_err();
/// assert_eq!(err.to_string(),
///     "cannot normalize e-mail address \"jean.dupont@acme\": invalid domain: no dot, so no top-level domain");
/// ```
///
/// # Errors
///
/// [`Reason::Empty`], [`Reason::ContainsWhitespace`], [`Reason::MissingAt`],
/// [`Reason::MultipleAt`], [`Reason::InvalidLocalPart`], [`Reason::InvalidDomain`],
/// [`Reason::InvalidCharacter`].
pub fn normalize_email(raw: &str) -> Result<Email, NormalizeError> {
    let err = |reason| NormalizeError::new(Field::Email, raw, reason);
    let cleaned = text::clean(raw);
    let address = unwrap_address(&cleaned).to_lowercase();
    if address.is_empty() {
        return Err(err(Reason::Empty));
    }
    if address.contains(char::is_whitespace) {
        return Err(err(Reason::ContainsWhitespace));
    }
    let (local, domain) = match address.split_once('@') {
        None => return Err(err(Reason::MissingAt)),
        Some((_, domain)) if domain.contains('@') => return Err(err(Reason::MultipleAt)),
        Some(parts) => parts,
    };
    check_local(local).map_err(err)?;
    check_domain(domain).map_err(err)?;
    Ok(Email {
        match_key: match_key(local, domain),
        is_free_mail: is_free_mail_domain(domain),
        domain: domain.to_owned(),
        address,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(raw: &str) -> Reason {
        normalize_email(raw).unwrap_err().reason
    }

    fn message(raw: &str) -> String {
        normalize_email(raw).unwrap_err().to_string()
    }

    #[test]
    fn free_mail_list_is_sorted_for_binary_search() {
        assert!(FREE_MAIL_DOMAINS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn trims_and_lowercases() {
        let e = normalize_email("\u{a0} Marie.CURIE@Institut-Curie.FR \t").unwrap();
        assert_eq!(e.address, "marie.curie@institut-curie.fr");
        assert_eq!(e.domain, "institut-curie.fr");
        assert_eq!(e.local_part(), "marie.curie");
        assert!(!e.is_free_mail);
        assert_eq!(e.match_key, "marie.curie@institut-curie.fr");
    }

    #[test]
    fn unwraps_display_names_and_mailto() {
        let e = normalize_email("Jean Dupont <jean.dupont@acme.fr>").unwrap();
        assert_eq!(e.address, "jean.dupont@acme.fr");
        let e = normalize_email("MAILTO:jean@acme.fr").unwrap();
        assert_eq!(e.address, "jean@acme.fr");
    }

    #[test]
    fn full_width_at_sign_is_read_by_nfkc() {
        assert_eq!(
            normalize_email("jean＠acme.fr").unwrap().address,
            "jean@acme.fr"
        );
    }

    #[test]
    fn recognises_free_mail_providers() {
        for domain in [
            "gmail.com",
            "googlemail.com",
            "yahoo.fr",
            "yahoo.com",
            "hotmail.fr",
            "hotmail.com",
            "outlook.fr",
            "outlook.com",
            "live.fr",
            "orange.fr",
            "wanadoo.fr",
            "free.fr",
            "sfr.fr",
            "laposte.net",
            "gmx.de",
            "gmx.fr",
            "web.de",
            "icloud.com",
            "me.com",
            "aol.com",
            "proton.me",
            "protonmail.com",
        ] {
            assert!(
                normalize_email(&format!("a@{domain}"))
                    .unwrap()
                    .is_free_mail,
                "{domain}"
            );
        }
        assert!(
            !normalize_email("a@orange-business.com")
                .unwrap()
                .is_free_mail
        );
        assert!(
            !normalize_email("a@mail.free.fr.example.com")
                .unwrap()
                .is_free_mail
        );
    }

    #[test]
    fn gmail_dots_and_tags_fold_only_in_the_match_key() {
        let a = normalize_email("J.Dupont+newsletter@gmail.com").unwrap();
        let b = normalize_email("jdupont@googlemail.com").unwrap();
        assert_eq!(a.address, "j.dupont+newsletter@gmail.com");
        assert_eq!(b.address, "jdupont@googlemail.com");
        assert_eq!(a.match_key, "jdupont@gmail.com");
        assert_eq!(a.match_key, b.match_key);
    }

    #[test]
    fn other_providers_keep_dots_and_tags_in_the_match_key() {
        let e = normalize_email("j.dupont+crm@outlook.fr").unwrap();
        assert_eq!(e.match_key, "j.dupont+crm@outlook.fr");
    }

    #[test]
    fn accepts_unusual_but_valid_addresses() {
        for raw in [
            "o'brien@example.co.uk",
            "a_b-c@sub.domain-x.example.com",
            "x@xn--bcher-kva.example",
            "élodie@société.fr",
            "1234@123.fr",
        ] {
            assert!(normalize_email(raw).is_ok(), "{raw}");
        }
    }

    #[test]
    fn empty() {
        assert_eq!(reason("   "), Reason::Empty);
        assert_eq!(
            message(""),
            "cannot normalize e-mail address \"\": empty value"
        );
    }

    #[test]
    fn missing_at() {
        assert_eq!(
            message("jean.dupont.acme.fr"),
            "cannot normalize e-mail address \"jean.dupont.acme.fr\": missing '@'"
        );
    }

    #[test]
    fn multiple_at() {
        assert_eq!(
            message("jean@dupont@acme.fr"),
            "cannot normalize e-mail address \"jean@dupont@acme.fr\": more than one '@'"
        );
    }

    #[test]
    fn whitespace_inside() {
        assert_eq!(
            message("jean dupont@acme.fr"),
            "cannot normalize e-mail address \"jean dupont@acme.fr\": contains whitespace"
        );
        assert_eq!(reason("jean@acme. fr"), Reason::ContainsWhitespace);
    }

    #[test]
    fn local_part_rules() {
        assert_eq!(
            message("@acme.fr"),
            "cannot normalize e-mail address \"@acme.fr\": invalid part before '@': empty"
        );
        assert_eq!(
            reason(".jean@acme.fr"),
            Reason::InvalidLocalPart {
                detail: "starts or ends with a dot"
            }
        );
        assert_eq!(
            reason("jean.@acme.fr"),
            Reason::InvalidLocalPart {
                detail: "starts or ends with a dot"
            }
        );
        assert_eq!(
            reason("jean..dupont@acme.fr"),
            Reason::InvalidLocalPart {
                detail: "two dots in a row"
            }
        );
        assert_eq!(
            reason(&format!("{}@acme.fr", "a".repeat(65))),
            Reason::InvalidLocalPart {
                detail: "longer than 64 characters"
            }
        );
        assert_eq!(
            message("jean,dupont@acme.fr"),
            "cannot normalize e-mail address \"jean,dupont@acme.fr\": unexpected character ','"
        );
    }

    #[test]
    fn domain_rules() {
        assert_eq!(reason("jean@"), Reason::InvalidDomain { detail: "empty" });
        assert_eq!(
            message("jean@acme..fr"),
            "cannot normalize e-mail address \"jean@acme..fr\": invalid domain: \
             empty label (a dot at an end or two dots in a row)"
        );
        assert_eq!(
            reason("jean@acme.fr."),
            Reason::InvalidDomain {
                detail: "empty label (a dot at an end or two dots in a row)"
            }
        );
        assert_eq!(
            reason("jean@-acme.fr"),
            Reason::InvalidDomain {
                detail: "label starts or ends with a hyphen"
            }
        );
        assert_eq!(
            reason(&format!("jean@{}.fr", "a".repeat(64))),
            Reason::InvalidDomain {
                detail: "label longer than 63 characters"
            }
        );
        assert_eq!(
            reason("jean@acme.f"),
            Reason::InvalidDomain {
                detail: "top-level domain must be at least two letters"
            }
        );
        assert_eq!(
            reason("jean@192.168.0.1"),
            Reason::InvalidDomain {
                detail: "top-level domain must be at least two letters"
            }
        );
        assert_eq!(
            reason("jean@gmail,com"),
            Reason::InvalidCharacter { ch: ',' }
        );
        assert_eq!(
            reason("jean@[10.0.0.1]"),
            Reason::InvalidCharacter { ch: '[' }
        );
    }

    #[test]
    fn error_keeps_the_raw_value() {
        let err = normalize_email("  Jean@@Acme.fr ").unwrap_err();
        assert_eq!(err.raw, "  Jean@@Acme.fr ");
        assert_eq!(err.field, Field::Email);
        assert_eq!(err.code(), "multiple_at");
    }
}
