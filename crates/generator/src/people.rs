//! Contacts: names, e-mail addresses, phone numbers in the formats people really type, job
//! titles with the decision role behind them, and consent.

use rand::Rng;

use crate::rows::ascii_slug;
use crate::sample::{pick, pick_by, weighted};
use crate::vocab::{self, CONSENT_SOURCES, Country, FREE_MAIL, NamePool, TITLES, Title};

/// A phone number: the country and its national significant number (no trunk prefix).
#[derive(Debug, Clone)]
pub(crate) struct Phone {
    country: &'static str,
    digits: String,
}

/// Number of formats `Phone::format` knows.
pub(crate) const PHONE_STYLES: u8 = 5;

impl Phone {
    pub(crate) fn draw(rng: &mut impl Rng, country: &'static str) -> Self {
        let mut digits = String::with_capacity(10);
        let (first, len) = match country {
            // Landlines 1–5 and mobiles 6–7, then 8 digits.
            "FR" | "BE" | "CH" => (char::from(b'1' + rng.random_range(0..7u8)), 9),
            "UK" => ('2', 10),
            "ES" => ('9', 9),
            "IT" => ('0', 10),
            _ => (char::from(b'2' + rng.random_range(0..7u8)), 9),
        };
        digits.push(first);
        while digits.len() < len {
            digits.push(char::from(b'0' + rng.random_range(0..10u8)));
        }
        Self { country, digits }
    }

    fn calling_code(&self) -> &'static str {
        match self.country {
            "FR" => "33",
            "BE" => "32",
            "DE" => "49",
            "UK" => "44",
            "ES" => "34",
            "IT" => "39",
            "NL" => "31",
            _ => "41",
        }
    }

    /// The number in format `style` (0..PHONE_STYLES). French styles: `01 23 45 67 89`,
    /// `+33 1 23 45 67 89`, `0123456789`, `+33123456789`, `01.23.45.67.89`; other countries
    /// alternate national and international forms.
    pub(crate) fn format(&self, style: u8) -> String {
        let d = &self.digits;
        let cc = self.calling_code();
        // Spain and Italy have no trunk prefix to drop.
        let national = match self.country {
            "ES" | "IT" => d.clone(),
            _ => format!("0{d}"),
        };
        if self.country == "FR" {
            let pairs = |s: &str, sep: &str| {
                s.as_bytes()
                    .chunks(2)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect::<Vec<_>>()
                    .join(sep)
            };
            return match style {
                0 => pairs(&national, " "),
                1 => format!("+33 {} {}", &d[..1], pairs(&d[1..], " ")),
                2 => national,
                3 => format!("+33{d}"),
                _ => pairs(&national, "."),
            };
        }
        let split = national.len() - 7;
        let (head, tail) = national.split_at(split);
        let grouped = format!("{head} {} {}", &tail[..3], &tail[3..]);
        match style % 3 {
            0 => grouped,
            1 => {
                let intl = if matches!(self.country, "ES" | "IT") {
                    &national
                } else {
                    d
                };
                let (h, t) = intl.split_at(intl.len() - 7);
                format!("+{cc} {h} {} {}", &t[..3], &t[3..])
            }
            _ => format!(
                "+{cc}{}",
                if matches!(self.country, "ES" | "IT") {
                    &national
                } else {
                    d
                }
            ),
        }
    }
}

/// A contact person before it is written.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub first: &'static str,
    pub last: &'static str,
    /// Whether the first name is feminine (job titles agree with it).
    pub female: bool,
    pub title: &'static Title,
    pub email: String,
    pub phone: Phone,
    pub phone_style: u8,
    pub opt_in: bool,
    /// Days before as_of the consent was given or withdrawn.
    pub consent_days_ago: i64,
    pub consent_source: &'static str,
}

impl Person {
    /// A person working for a company of `country` whose web domain is `domain`.
    pub(crate) fn draw(
        rng: &mut impl Rng,
        country: &'static Country,
        domain: &str,
        max_days_ago: i64,
    ) -> Self {
        let pool: NamePool = weighted(rng, country.names);
        let (first, female) = pick(rng, vocab::first_names(pool));
        let last = pick(rng, vocab::last_names(pool));
        let title = pick_by(rng, TITLES, |t| {
            if t.gender.fits(female) { t.weight } else { 0 }
        });
        let email = email(rng, first, last, domain);
        let phone = Phone::draw(rng, country.code);
        let phone_style = rng.random_range(0..PHONE_STYLES);
        Self {
            first,
            last,
            female,
            title,
            email,
            phone,
            phone_style,
            opt_in: rng.random_bool(0.68),
            consent_days_ago: rng.random_range(1..max_days_ago.max(2)),
            consent_source: pick(rng, CONSENT_SOURCES),
        }
    }
}

/// `first.last@domain` mostly, sometimes `f.last`, `firstlast` or a free-mail address, which
/// carries a number as most do (`julie.roux84@orange.fr`): the free-mail providers' users
/// share names, not addresses.
pub(crate) fn email(rng: &mut impl Rng, first: &str, last: &str, domain: &str) -> String {
    let mut s = String::with_capacity(40);
    let style = rng.random_range(0..20u8);
    match style {
        0..=13 => {
            ascii_slug(first, &mut s);
            s.push('.');
            ascii_slug(last, &mut s);
        }
        14..=16 => {
            let mut f = String::new();
            ascii_slug(first, &mut f);
            s.push_str(f.get(..1).unwrap_or("x"));
            s.push('.');
            ascii_slug(last, &mut s);
        }
        _ => {
            ascii_slug(first, &mut s);
            ascii_slug(last, &mut s);
        }
    }
    if rng.random_bool(0.1) {
        s.push_str(&rng.random_range(1..10_000u16).to_string());
        s.push('@');
        s.push_str(pick(rng, FREE_MAIL));
    } else {
        s.push('@');
        s.push_str(domain);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn french_phone_styles() {
        let phone = Phone {
            country: "FR",
            digits: "123456789".into(),
        };
        let styles: Vec<String> = (0..PHONE_STYLES).map(|s| phone.format(s)).collect();
        assert_eq!(
            styles,
            [
                "01 23 45 67 89",
                "+33 1 23 45 67 89",
                "0123456789",
                "+33123456789",
                "01.23.45.67.89"
            ]
        );
    }

    #[test]
    fn foreign_phone_styles() {
        let de = Phone {
            country: "DE",
            digits: "301234567".into(),
        };
        assert_eq!(de.format(0), "030 123 4567");
        assert_eq!(de.format(1), "+49 30 123 4567");
        assert_eq!(de.format(2), "+49301234567");
        let it = Phone {
            country: "IT",
            digits: "0212345678".into(),
        };
        assert_eq!(it.format(1), "+39 021 234 5678");
    }

    #[test]
    fn emails_are_ascii_and_mostly_on_the_company_domain() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut company = 0;
        for _ in 0..500 {
            let e = email(&mut rng, "Hélène", "Lefèvre", "acme.fr");
            assert!(e.is_ascii(), "{e}");
            company += usize::from(e.ends_with("@acme.fr"));
            let local = e.split('@').next().unwrap_or_default();
            assert!(
                e.ends_with("@acme.fr") || local.ends_with(|c: char| c.is_ascii_digit()),
                "a free-mail address without a number: {e}"
            );
        }
        assert!(company > 400);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert!(email(&mut rng, "Jean-Marc", "O'Brien", "x.fr").contains("obrien"));
    }
}
