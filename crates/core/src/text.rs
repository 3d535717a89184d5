//! Small text helpers shared by every stage that matches names.

/// The unaccented form of a lower-case Latin letter (`é` → `e`, `œ` → `oe`), or `None` when the
/// letter has no accent to fold.
pub fn fold_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'æ' => "ae",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'œ' => "oe",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        _ => return None,
    })
}

/// Lower case, accents folded, every run of other characters than letters and digits turned
/// into one `sep`, trimmed: `Île-de-France` → `ile de france` with `' '`.
pub fn fold_key(value: &str, sep: char) -> String {
    let mut out = String::with_capacity(value.len());
    let mut pending = false;
    let push = |out: &mut String, c: char, pending: &mut bool| {
        if c.is_alphanumeric() {
            if *pending && !out.is_empty() {
                out.push(sep);
            }
            *pending = false;
            out.push(c);
        } else {
            *pending = true;
        }
    };
    for c in value.chars().flat_map(char::to_lowercase) {
        match fold_accent(c) {
            Some(folded) => folded.chars().for_each(|f| push(&mut out, f, &mut pending)),
            None => push(&mut out, c, &mut pending),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_accents_and_punctuation() {
        assert_eq!(fold_key("Île-de-France", ' '), "ile de france");
        assert_eq!(fold_key("  ILE DE   FRANCE ", ' '), "ile de france");
        assert_eq!(
            fold_key("Lefèvre & Fils, S.A.S.", ' '),
            "lefevre fils s a s"
        );
        assert_eq!(fold_key("Œuvre", '_'), "oeuvre");
        assert_eq!(fold_key("Chiffre d'affaires", '_'), "chiffre_d_affaires");
        assert_eq!(fold_key("N° commande", '_'), "n_commande");
    }
}
