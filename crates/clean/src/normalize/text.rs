//! Free text: Unicode NFKC, whitespace, case, and accent-folded match keys.
//!
//! Three levels, each built on the one before:
//!
//! - [`clean`]: what a person would call the same text — NFKC (so `ﬁ` is `fi`, a no-break space
//!   is a space, full-width letters are letters), control and zero-width characters removed,
//!   runs of whitespace collapsed to one space, trimmed. Case and accents kept: fit for display.
//! - [`fold_case`]: [`clean`] then lower-case.
//! - [`match_key`]: for comparing, never for display — lower-case, accents and ligatures folded
//!   (`Œ` → `oe`, `ß` → `ss`, `Ø` → `o`, `Ł` → `l`), every non-alphanumeric character a space,
//!   spaces collapsed: `Île-de-France`, `ILE DE FRANCE` and `ile de france` share one key.

use std::borrow::Cow;
use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// NFKC, skipped for ASCII, which it leaves unchanged: most CRM values are ASCII.
fn nfkc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfkc().collect())
    }
}

/// True for characters that carry no text: controls, zero-width spaces and joiners, the BOM,
/// soft hyphens.
fn is_invisible(c: char) -> bool {
    c.is_control() && !c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// NFKC, invisible characters removed, whitespace collapsed to single spaces and trimmed. Case and
/// accents are kept.
///
/// ```
/// use cible_clean::normalize::text::clean;
/// assert_eq!(clean("  Soci\u{e9}t\u{e9}\u{a0}\u{a0}G\u{e9}n\u{e9}rale\t"), "Société Générale");
/// assert_eq!(clean("\u{feff}ＡＣＭＥ"), "ACME");
/// ```
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in nfkc(s).chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if !is_invisible(c) {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// [`clean`], then lower-case (Unicode lower-casing, so `É` becomes `é`).
///
/// ```
/// use cible_clean::normalize::text::fold_case;
/// assert_eq!(fold_case(" ÉCOLE  Centrale "), "école centrale");
/// ```
pub fn fold_case(s: &str) -> String {
    clean(s).to_lowercase()
}

/// Letters that do not decompose into a base letter and a combining mark, with their folding.
fn fold_special(c: char) -> Option<&'static str> {
    Some(match c {
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        'ø' => "o",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'þ' => "th",
        'ı' => "i",
        'ħ' => "h",
        'ŧ' => "t",
        _ => return None,
    })
}

/// The key two texts are compared by: NFKC, lower-case, accents and ligatures folded,
/// punctuation turned into spaces, spaces collapsed. Letters and digits of every script are kept.
///
/// ```
/// use cible_clean::normalize::text::match_key;
/// assert_eq!(match_key("Île-de-France"), "ile de france");
/// assert_eq!(match_key("ILE DE FRANCE"), "ile de france");
/// assert_eq!(match_key("Œuvre  d'Ærø, Straße"), "oeuvre d aero strasse");
/// ```
pub fn match_key(s: &str) -> String {
    if s.is_ascii() {
        // NFKC and NFD leave ASCII unchanged and it has no accents: only case and punctuation.
        let mut key = KeyBuilder::new(s.len());
        s.chars().for_each(|c| key.push(c.to_ascii_lowercase()));
        key.out
    } else {
        match_key_unicode(s)
    }
}

/// [`match_key`] for any text, ASCII included; tested against the ASCII fast path.
fn match_key_unicode(s: &str) -> String {
    let mut key = KeyBuilder::new(s.len());
    // NFKC first so that compatibility forms (ligatures, full-width letters) become letters; then
    // lower-case, and NFD to split accents off so they can be dropped.
    let lowered: String = s.nfkc().flat_map(char::to_lowercase).collect();
    for c in lowered.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match fold_special(c) {
            Some(folded) => folded.chars().for_each(|f| key.push(f)),
            None => key.push(c),
        }
    }
    key.out
}

/// Accumulates a match key: letters and digits kept, anything else one separating space.
struct KeyBuilder {
    out: String,
    pending_space: bool,
}

impl KeyBuilder {
    fn new(capacity: usize) -> Self {
        KeyBuilder {
            out: String::with_capacity(capacity),
            pending_space: false,
        }
    }

    fn push(&mut self, c: char) {
        if c.is_alphanumeric() {
            if self.pending_space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.pending_space = false;
            self.out.push(c);
        } else if !is_invisible(c) && !is_combining_mark(c) {
            self.pending_space = true;
        }
    }
}

/// The words of [`match_key`]`(s)`, in order, duplicates kept.
///
/// ```
/// use cible_clean::normalize::text::tokens;
/// assert_eq!(tokens("Saint-Étienne (42)"), ["saint", "etienne", "42"]);
/// ```
pub fn tokens(s: &str) -> Vec<String> {
    match_key(s)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The distinct words of [`match_key`]`(s)`, sorted.
pub fn token_set(s: &str) -> BTreeSet<String> {
    tokens(s).into_iter().collect()
}

/// Jaccard similarity of two token sets: |a ∩ b| / |a ∪ b|, in `[0, 1]`. Two empty sets give
/// `0.0`, not `1.0`: two missing values are no evidence that two records match.
///
/// ```
/// use cible_clean::normalize::text::{jaccard, token_set};
/// let a = token_set("Banque Populaire Rives de Paris");
/// let b = token_set("BANQUE POPULAIRE - RIVES-DE-PARIS");
/// assert_eq!(jaccard(&a, &b), 1.0);
/// assert_eq!(jaccard(&token_set("Crédit Agricole"), &token_set("Crédit Mutuel")), 1.0 / 3.0);
/// ```
pub fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_applies_nfkc() {
        // Ligature, full-width letters, superscript: compatibility forms become plain text.
        assert_eq!(clean("ﬁnance"), "finance");
        assert_eq!(clean("ＡＢＣ"), "ABC");
        assert_eq!(clean("m²"), "m2");
        // A decomposed é (e + combining acute) becomes the composed é.
        assert_eq!(clean("Ge\u{301}rard"), "Gérard");
    }

    #[test]
    fn clean_collapses_every_kind_of_whitespace() {
        assert_eq!(
            clean("\t Jean\u{a0}\u{202f}Dupont \r\n  Fils\u{2009} "),
            "Jean Dupont Fils"
        );
    }

    #[test]
    fn clean_removes_invisible_characters() {
        assert_eq!(clean("\u{feff}ACME\u{200b} Corp\u{0}"), "ACME Corp");
        assert_eq!(clean("Ren\u{ad}ault"), "Renault");
    }

    #[test]
    fn clean_keeps_case_and_accents() {
        assert_eq!(clean("Île-de-France"), "Île-de-France");
    }

    #[test]
    fn clean_of_blank_is_empty() {
        assert_eq!(clean(" \u{a0}\t "), "");
        assert_eq!(match_key(" - / "), "");
    }

    #[test]
    fn fold_case_lowers_accented_capitals() {
        assert_eq!(fold_case("ÉTABLISSEMENTS  MÜLLER"), "établissements müller");
    }

    #[test]
    fn match_key_unifies_region_spellings() {
        let k = "ile de france";
        assert_eq!(match_key("Île-de-France"), k);
        assert_eq!(match_key("ILE DE FRANCE"), k);
        assert_eq!(match_key("ile de france"), k);
        assert_eq!(match_key("  Ile-De-France. "), k);
        assert_eq!(match_key("I\u{302}le-de-France"), k);
    }

    #[test]
    fn match_key_folds_ligatures_and_special_letters() {
        assert_eq!(match_key("Cœur"), "coeur");
        assert_eq!(match_key("ŒUVRE"), "oeuvre");
        assert_eq!(match_key("Lætitia"), "laetitia");
        assert_eq!(match_key("Straße"), "strasse");
        assert_eq!(match_key("STRAẞE"), "strasse");
        assert_eq!(match_key("Søren Ørsted"), "soren orsted");
        assert_eq!(match_key("Łódź"), "lodz");
        assert_eq!(match_key("Þór"), "thor");
        assert_eq!(match_key("ﬂeur"), "fleur");
    }

    #[test]
    fn match_key_folds_accents_of_many_languages() {
        assert_eq!(
            match_key("àâäéèêëïîôöùûüÿçñãõåčšžřőű"),
            "aaaeeeeiioouuuycnaoacszrou"
        );
    }

    #[test]
    fn match_key_turns_punctuation_into_spaces() {
        assert_eq!(match_key("L'Oréal"), "l oreal");
        assert_eq!(match_key("Dupont & Fils, S.A."), "dupont fils s a");
        assert_eq!(match_key("«Le Bon Marché»"), "le bon marche");
        assert_eq!(match_key("a__b--c//d"), "a b c d");
    }

    #[test]
    fn match_key_keeps_digits_and_other_scripts() {
        assert_eq!(match_key("Zone 51"), "zone 51");
        assert_eq!(match_key("Αθήνα"), "αθηνα");
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_unicode_path() {
        for s in [
            "",
            "  ACME  France, S.A.S. ",
            "L'Oreal\t(Paris)\r\n",
            "a__b--c//d 42",
            "\u{0}\u{7f}x\u{1b}y",
            "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        ] {
            assert_eq!(match_key(s), match_key_unicode(s), "{s:?}");
        }
    }

    #[test]
    fn tokens_and_sets() {
        assert_eq!(tokens("  la  Poste, la "), ["la", "poste", "la"]);
        let set = token_set("la Poste, LA");
        assert_eq!(set.into_iter().collect::<Vec<_>>(), ["la", "poste"]);
    }

    #[test]
    fn jaccard_counts_shared_tokens() {
        let a = token_set("a b c");
        let b = token_set("b c d");
        assert_eq!(jaccard(&a, &b), 0.5);
        assert_eq!(jaccard(&a, &token_set("x y")), 0.0);
        assert_eq!(jaccard(&a, &a), 1.0);
    }

    #[test]
    fn jaccard_of_empty_sets_is_zero() {
        let empty = BTreeSet::new();
        assert_eq!(jaccard(&empty, &empty), 0.0);
        assert_eq!(jaccard(&empty, &token_set("a")), 0.0);
    }
}
