//! Company names: a match key without legal form and punctuation, and the legal form found.
//!
//! The name is cut into the words of [`text::match_key`] (so accents,
//! case and punctuation no longer matter), then a legal form is looked for as whole words at the
//! end of the name and, if there is none there, at its start. Dotted and spaced abbreviations are
//! read as the word they spell (`S.A.R.L.`, `S.à r.l.`, `S A S`). Because only whole words are
//! compared, `SAS` is never taken out of `Sassenage`, nor `SA` out of `SAFRAN`. At most one legal
//! form is removed, and never the whole name (`SAS` alone stays `sas`).

use std::fmt;

use super::error::{Field, NormalizeError, Reason};
use super::text;

/// A legal form, shown by its canonical spelling (`SAS`, `GmbH & Co. KG`, `Ltd`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)] // Each variant is its canonical spelling, given by `canonical()`.
pub enum LegalForm {
    Sa,
    Sas,
    Sasu,
    Sarl,
    Eurl,
    Sci,
    Snc,
    Scop,
    Sca,
    Gie,
    Selarl,
    Selas,
    Scp,
    Scs,
    Eirl,
    Ei,
    Se,
    Gmbh,
    GmbhCoKg,
    Ag,
    Kg,
    Kgaa,
    Ohg,
    Ug,
    Ltd,
    Plc,
    Llc,
    Llp,
    Inc,
    Corp,
    Bv,
    Nv,
    Bvba,
    Srl,
    Sprl,
    Spa,
    Sl,
    Slu,
    Sau,
}

impl LegalForm {
    /// The usual spelling: `SAS`, `SARL`, `GmbH`, `GmbH & Co. KG`, `Ltd`, `Inc`, `SpA`…
    pub fn canonical(self) -> &'static str {
        use LegalForm::*;
        match self {
            Sa => "SA",
            Sas => "SAS",
            Sasu => "SASU",
            Sarl => "SARL",
            Eurl => "EURL",
            Sci => "SCI",
            Snc => "SNC",
            Scop => "SCOP",
            Sca => "SCA",
            Gie => "GIE",
            Selarl => "SELARL",
            Selas => "SELAS",
            Scp => "SCP",
            Scs => "SCS",
            Eirl => "EIRL",
            Ei => "EI",
            Se => "SE",
            Gmbh => "GmbH",
            GmbhCoKg => "GmbH & Co. KG",
            Ag => "AG",
            Kg => "KG",
            Kgaa => "KGaA",
            Ohg => "OHG",
            Ug => "UG",
            Ltd => "Ltd",
            Plc => "PLC",
            Llc => "LLC",
            Llp => "LLP",
            Inc => "Inc",
            Corp => "Corp",
            Bv => "BV",
            Nv => "NV",
            Bvba => "BVBA",
            Srl => "SRL",
            Sprl => "SPRL",
            Spa => "SpA",
            Sl => "SL",
            Slu => "SLU",
            Sau => "SAU",
        }
    }
}

impl fmt::Display for LegalForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.canonical())
    }
}

/// Every spelling recognised, as match-key words, with the form it means. Single words also match
/// when spelled letter by letter (`s a r l` from `S.A.R.L.`).
const PATTERNS: &[(&[&str], LegalForm)] = {
    use LegalForm::*;
    &[
        // France
        (&["sa"], Sa),
        (&["societe", "anonyme"], Sa),
        (&["sas"], Sas),
        (&["societe", "par", "actions", "simplifiee"], Sas),
        (&["sasu"], Sasu),
        (&["sas", "unipersonnelle"], Sasu),
        (
            &["societe", "par", "actions", "simplifiee", "unipersonnelle"],
            Sasu,
        ),
        (&["sarl"], Sarl),
        (&["societe", "a", "responsabilite", "limitee"], Sarl),
        (&["eurl"], Eurl),
        (
            &[
                "entreprise",
                "unipersonnelle",
                "a",
                "responsabilite",
                "limitee",
            ],
            Eurl,
        ),
        (&["sci"], Sci),
        (&["societe", "civile", "immobiliere"], Sci),
        (&["snc"], Snc),
        (&["societe", "en", "nom", "collectif"], Snc),
        (&["scop"], Scop),
        (&["scop", "sa"], Scop),
        (&["scop", "sas"], Scop),
        (&["scop", "sarl"], Scop),
        (&["sca"], Sca),
        (&["societe", "en", "commandite", "par", "actions"], Sca),
        (&["gie"], Gie),
        (&["groupement", "d", "interet", "economique"], Gie),
        (&["selarl"], Selarl),
        (&["selas"], Selas),
        (&["scp"], Scp),
        (&["scs"], Scs),
        (&["societe", "en", "commandite", "simple"], Scs),
        (&["eirl"], Eirl),
        (&["ei"], Ei),
        (&["entreprise", "individuelle"], Ei),
        // European company, in every member state
        (&["se"], Se),
        (&["societas", "europaea"], Se),
        // Germany, Austria, Switzerland
        (&["gmbh"], Gmbh),
        (&["gesellschaft", "mit", "beschrankter", "haftung"], Gmbh),
        (&["gmbh", "co", "kg"], GmbhCoKg),
        (&["gmbh", "cie", "kg"], GmbhCoKg),
        (&["ag"], Ag),
        (&["aktiengesellschaft"], Ag),
        (&["kg"], Kg),
        (&["kommanditgesellschaft"], Kg),
        (&["kgaa"], Kgaa),
        (&["ohg"], Ohg),
        (&["ug"], Ug),
        (&["ug", "haftungsbeschrankt"], Ug),
        // United Kingdom, United States
        (&["ltd"], Ltd),
        (&["limited"], Ltd),
        (&["co", "ltd"], Ltd),
        (&["pty", "ltd"], Ltd),
        (&["pvt", "ltd"], Ltd),
        (&["private", "limited"], Ltd),
        (&["plc"], Plc),
        (&["public", "limited", "company"], Plc),
        (&["llc"], Llc),
        (&["limited", "liability", "company"], Llc),
        (&["llp"], Llp),
        (&["limited", "liability", "partnership"], Llp),
        (&["inc"], Inc),
        (&["incorporated"], Inc),
        (&["corp"], Corp),
        (&["corporation"], Corp),
        // Netherlands, Belgium
        (&["bv"], Bv),
        (&["besloten", "vennootschap"], Bv),
        (&["nv"], Nv),
        (&["sa", "nv"], Sa),
        (&["nv", "sa"], Nv),
        (&["naamloze", "vennootschap"], Nv),
        (&["bvba"], Bvba),
        (&["srl"], Srl),
        (&["societa", "a", "responsabilita", "limitata"], Srl),
        (&["sprl"], Sprl),
        (&["sprl", "bvba"], Sprl),
        (&["bvba", "sprl"], Bvba),
        (&["srl", "bv"], Srl),
        (&["bv", "srl"], Bv),
        (
            &["societe", "privee", "a", "responsabilite", "limitee"],
            Sprl,
        ),
        // Italy, Spain
        (&["spa"], Spa),
        (&["societa", "per", "azioni"], Spa),
        (&["sl"], Sl),
        (&["sociedad", "limitada"], Sl),
        (&["sociedad", "anonima"], Sa),
        (&["slu"], Slu),
        (&["sau"], Sau),
    ]
};

/// A company name, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyName {
    /// The name for display: cleaned by [`text::clean`], legal form kept.
    pub display: String,
    /// The name for matching: match-key words without the legal form, e.g. `acme france`.
    pub match_key: String,
    /// The legal form found, if any.
    pub legal_form: Option<LegalForm>,
}

/// How many tokens, read forwards from `start` (or backwards from `start`, exclusive, when
/// `backwards`), spell `word`: one token equal to it, or one single-letter token per letter.
fn spells(tokens: &[String], start: usize, word: &str, backwards: bool) -> Option<usize> {
    let single = |i: usize| tokens.get(i).filter(|t| t.chars().count() == 1);
    if backwards {
        let last = start.checked_sub(1)?;
        if tokens[last] == word {
            return Some(1);
        }
        let n = word.chars().count();
        if n < 2 || n > start {
            return None;
        }
        let first = start - n;
        let ok = word
            .chars()
            .enumerate()
            .all(|(k, c)| single(first + k).is_some_and(|t| t.starts_with(c)));
        ok.then_some(n)
    } else {
        if tokens.get(start).is_some_and(|t| t == word) {
            return Some(1);
        }
        let n = word.chars().count();
        if n < 2 {
            return None;
        }
        let ok = word
            .chars()
            .enumerate()
            .all(|(k, c)| single(start + k).is_some_and(|t| t.starts_with(c)));
        ok.then_some(n)
    }
}

/// Tokens used by `pattern` at the end of `tokens` (`at_end`) or at its start.
fn match_pattern(tokens: &[String], pattern: &[&str], at_end: bool) -> Option<usize> {
    // Cheap rejection first: the token at the edge must be the pattern's edge word, or its edge
    // letter when spelled letter by letter.
    let (token, word) = if at_end {
        (tokens.last()?, *pattern.last()?)
    } else {
        (tokens.first()?, *pattern.first()?)
    };
    let spelled_edge = token.len() == 1
        && if at_end {
            word.ends_with(token.as_str())
        } else {
            word.starts_with(token.as_str())
        };
    if token != word && !spelled_edge {
        return None;
    }
    let mut used = 0;
    if at_end {
        for word in pattern.iter().rev() {
            used += spells(tokens, tokens.len() - used, word, true)?;
        }
    } else {
        for word in pattern {
            used += spells(tokens, used, word, false)?;
        }
    }
    Some(used)
}

/// `SpA` is also a common noun (a day spa): read it as a legal form only when written as one.
fn plausible(form: LegalForm, display: &str) -> bool {
    form != LegalForm::Spa
        || ["SpA", "SPA", "S.p.A", "S.P.A"]
            .iter()
            .any(|s| display.contains(s))
        || display.to_lowercase().contains("societa per azioni")
        || display.to_lowercase().contains("società per azioni")
}

/// The longest legal form at the end of `tokens`, else at its start, that leaves a name:
/// `(form, tokens used, at_end)`.
fn find_legal_form(tokens: &[String], display: &str) -> Option<(LegalForm, usize, bool)> {
    for at_end in [true, false] {
        let best = PATTERNS
            .iter()
            .filter_map(|(pattern, form)| {
                let used = match_pattern(tokens, pattern, at_end)?;
                (used < tokens.len() && plausible(*form, display)).then_some((*form, used))
            })
            .max_by_key(|&(_, used)| used);
        if let Some((form, used)) = best {
            return Some((form, used, at_end));
        }
    }
    None
}

/// Normalizes a company name: display form, match key without legal form, legal form found.
///
/// ```
/// use cible_clean::normalize::company::{normalize_company, LegalForm};
/// let n = normalize_company("  ACME  France S.A.S. ").unwrap();
/// assert_eq!(n.display, "ACME France S.A.S.");
/// assert_eq!(n.match_key, "acme france");
/// assert_eq!(n.legal_form, Some(LegalForm::Sas));
/// assert_eq!(normalize_company("SARL Boulangerie Dupont").unwrap().match_key, "boulangerie dupont");
/// ```
///
/// # Errors
///
/// [`Reason::Empty`] when the name has no letter or digit.
pub fn normalize_company(raw: &str) -> Result<CompanyName, NormalizeError> {
    let display = text::clean(raw);
    let tokens = text::tokens(&display);
    if tokens.is_empty() {
        return Err(NormalizeError::new(Field::CompanyName, raw, Reason::Empty));
    }
    let (legal_form, kept) = match find_legal_form(&tokens, &display) {
        Some((form, used, true)) => (Some(form), &tokens[..tokens.len() - used]),
        Some((form, used, false)) => (Some(form), &tokens[used..]),
        None => (None, &tokens[..]),
    };
    Ok(CompanyName {
        display,
        match_key: kept.join(" "),
        legal_form,
    })
}

#[cfg(test)]
mod tests {
    use super::LegalForm::*;
    use super::*;

    fn key(raw: &str) -> (String, Option<LegalForm>) {
        let n = normalize_company(raw).unwrap();
        (n.match_key, n.legal_form)
    }

    fn check(raw: &str, match_key: &str, form: Option<LegalForm>) {
        assert_eq!(key(raw), (match_key.to_owned(), form), "for {raw:?}");
    }

    #[test]
    fn french_forms_as_suffix() {
        for (raw, form) in [
            ("Dupont SA", Sa),
            ("Dupont SAS", Sas),
            ("Dupont SASU", Sasu),
            ("Dupont SARL", Sarl),
            ("Dupont EURL", Eurl),
            ("Dupont SCI", Sci),
            ("Dupont SNC", Snc),
            ("Dupont SCOP", Scop),
            ("Dupont SCA", Sca),
            ("Dupont GIE", Gie),
            ("Dupont SELARL", Selarl),
            ("Dupont S.A.S.", Sas),
            ("Dupont S.A.R.L.", Sarl),
            ("Dupont S.A.", Sa),
            ("Dupont Société Anonyme", Sa),
            ("Dupont société par actions simplifiée", Sas),
            ("Dupont SOCIETE PAR ACTIONS SIMPLIFIEE UNIPERSONNELLE", Sasu),
            ("Dupont Société à responsabilité limitée", Sarl),
            ("Dupont SCOP SARL", Scop),
        ] {
            check(raw, "dupont", Some(form));
        }
    }

    #[test]
    fn french_forms_as_prefix() {
        check("SARL Boulangerie Martin", "boulangerie martin", Some(Sarl));
        check("S.A.S. Les Jardins", "les jardins", Some(Sas));
        check("SCI du Moulin", "du moulin", Some(Sci));
        check("Société Anonyme des Eaux", "des eaux", Some(Sa));
        check("EURL  Dupont-Moretti", "dupont moretti", Some(Eurl));
    }

    #[test]
    fn forms_with_punctuation_around_them() {
        check("ACME, Inc.", "acme", Some(Inc));
        check("ACME (SAS)", "acme", Some(Sas));
        check("ACME - SARL", "acme", Some(Sarl));
        check("acme sas.", "acme", Some(Sas));
    }

    #[test]
    fn words_that_merely_contain_the_letters_are_kept() {
        check("Sassenage Plastiques", "sassenage plastiques", None);
        check("SAFRAN", "safran", None);
        check("Sarlat Immobilier", "sarlat immobilier", None);
        check("Agrial", "agrial", None);
        check("Incubateur Lyon", "incubateur lyon", None);
        check("Basalte Sas", "basalte", Some(Sas));
    }

    #[test]
    fn other_french_and_european_forms() {
        check("TotalEnergies SE", "totalenergies", Some(Se));
        check("Jean Martin EI", "jean martin", Some(Ei));
        check("Jean Martin EIRL", "jean martin", Some(Eirl));
        check("Martin SCS", "martin", Some(Scs));
        check("Cabinet Martin SCP", "cabinet martin", Some(Scp));
        check("Pharmacie Martin SELAS", "pharmacie martin", Some(Selas));
    }

    #[test]
    fn german_forms() {
        check("Siemens AG", "siemens", Some(Ag));
        check("Müller GmbH", "muller", Some(Gmbh));
        check("Müller GmbH & Co. KG", "muller", Some(GmbhCoKg));
        check("Müller GmbH & Co KG", "muller", Some(GmbhCoKg));
        check("Schmidt KG", "schmidt", Some(Kg));
        check("Startup UG (haftungsbeschränkt)", "startup", Some(Ug));
        check("Henkel AG & Co. KGaA", "henkel ag co", Some(Kgaa));
    }

    #[test]
    fn english_forms() {
        check("Tesco PLC", "tesco", Some(Plc));
        check("Acme Ltd", "acme", Some(Ltd));
        check("Acme Limited", "acme", Some(Ltd));
        check("Acme Co., Ltd.", "acme", Some(Ltd));
        check("Acme LLC", "acme", Some(Llc));
        check("Acme L.L.C.", "acme", Some(Llc));
        check("Acme Incorporated", "acme", Some(Inc));
        check("Acme Corp.", "acme", Some(Corp));
        check("Acme Corporation", "acme", Some(Corp));
        check("Baker & McKenzie LLP", "baker mckenzie", Some(Llp));
    }

    #[test]
    fn dutch_belgian_italian_spanish_swiss_forms() {
        check("Philips B.V.", "philips", Some(Bv));
        check("Philips BV", "philips", Some(Bv));
        check("Solvay NV", "solvay", Some(Nv));
        check("Solvay SA/NV", "solvay", Some(Sa));
        check("Solvay NV/SA", "solvay", Some(Nv));
        check("Colruyt SPRL-BVBA", "colruyt", Some(Sprl));
        check("Delhaize SPRL", "delhaize", Some(Sprl));
        check("Delhaize SRL", "delhaize", Some(Srl));
        check("Ferrari S.p.A.", "ferrari", Some(Spa));
        check("Ferrari SpA", "ferrari", Some(Spa));
        check("Barilla Srl", "barilla", Some(Srl));
        check("Telefónica S.L.", "telefonica", Some(Sl));
        check("Telefónica SL", "telefonica", Some(Sl));
        check("Inditex, S.A.", "inditex", Some(Sa));
        check("Nestlé AG", "nestle", Some(Ag));
        check("Migros Sàrl", "migros", Some(Sarl));
        check("Migros S.à r.l.", "migros", Some(Sarl));
    }

    #[test]
    fn a_day_spa_is_not_an_italian_company() {
        check("Nordic Spa", "nordic spa", None);
        check("Les Thermes Spa", "les thermes spa", None);
    }

    #[test]
    fn suffix_wins_over_prefix_and_only_one_form_goes() {
        check("SAS Institute Inc.", "sas institute", Some(Inc));
        check("SAS Dupont SARL", "sas dupont", Some(Sarl));
    }

    #[test]
    fn a_name_that_is_only_a_legal_form_is_kept() {
        check("SAS", "sas", None);
        check("S.A.", "s a", None);
    }

    #[test]
    fn display_keeps_case_accents_and_form() {
        let n = normalize_company("  Société\u{a0}Générale   S.A. ").unwrap();
        assert_eq!(n.display, "Société Générale S.A.");
        assert_eq!(n.match_key, "societe generale");
    }

    #[test]
    fn accents_and_case_do_not_change_the_key() {
        assert_eq!(key("L'ORÉAL SA"), key("l'oreal s.a."));
        assert_eq!(key("L'ORÉAL SA").0, "l oreal");
    }

    #[test]
    fn canonical_spellings() {
        assert_eq!(GmbhCoKg.to_string(), "GmbH & Co. KG");
        assert_eq!(Spa.canonical(), "SpA");
        assert_eq!(Sas.canonical(), "SAS");
    }

    #[test]
    fn empty_name_is_an_error() {
        let err = normalize_company(" - ").unwrap_err();
        assert_eq!(err.reason, Reason::Empty);
        assert_eq!(
            err.to_string(),
            "cannot normalize company name \" - \": empty value"
        );
    }
}
