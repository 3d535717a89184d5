//! How a duplicate record differs from its original: the edits people and imports make.

use rand::Rng;

use crate::rows::drop_accents;

/// A typo: two adjacent letters swapped, a letter dropped, or a letter replaced.
pub(crate) fn typo(rng: &mut impl Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let letters: Vec<usize> = (0..chars.len())
        .filter(|&i| chars[i].is_alphabetic())
        .collect();
    if letters.len() < 3 {
        return text.to_string();
    }
    // Not the first letter: people rarely get that wrong.
    let i = letters[rng.random_range(1..letters.len())];
    match rng.random_range(0..3u8) {
        0 if i + 1 < chars.len() && chars[i + 1].is_alphabetic() => chars.swap(i, i + 1),
        1 => {
            chars.remove(i);
        }
        _ => {
            let keyboard = "azertyuiopqsdfghjklmwxcvbn";
            let replacement = keyboard.as_bytes()[rng.random_range(0..keyboard.len())];
            let c = char::from(replacement);
            chars[i] = if chars[i].is_uppercase() {
                c.to_ascii_uppercase()
            } else {
                c
            };
        }
    }
    chars.into_iter().collect()
}

/// Two words of `text` swapped (the legal form stays where it is).
pub(crate) fn swap_words(rng: &mut impl Rng, text: &str, legal_form: &str) -> String {
    let core = text
        .strip_suffix(legal_form)
        .map(str::trim_end)
        .unwrap_or(text);
    let mut words: Vec<&str> = core.split(' ').collect();
    if words.len() < 2 {
        return text.to_string();
    }
    let i = rng.random_range(0..words.len() - 1);
    words.swap(i, i + 1);
    let mut out = words.join(" ");
    if core.len() != text.len() {
        out.push(' ');
        out.push_str(legal_form);
    }
    out
}

/// The legal form rewritten: dotted (`SAS` → `S.A.S.`), dropped, or re-cased (`GmbH` → `Gmbh`).
pub(crate) fn rewrite_legal_form(rng: &mut impl Rng, text: &str, legal_form: &str) -> String {
    if legal_form.is_empty() || !text.contains(legal_form) {
        return text.to_string();
    }
    let replacement = match rng.random_range(0..3u8) {
        0 if legal_form.chars().all(|c| c.is_ascii_uppercase()) => legal_form
            .chars()
            .flat_map(|c| [c, '.'])
            .collect::<String>(),
        1 => {
            let mut s = legal_form.to_lowercase();
            if let Some(first) = s.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            s
        }
        _ => String::new(),
    };
    text.replacen(legal_form, &replacement, 1)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Upper case (as old CRMs store names) or lower case.
pub(crate) fn change_case(rng: &mut impl Rng, text: &str) -> String {
    if rng.random_bool(0.75) {
        text.to_uppercase()
    } else {
        text.to_lowercase()
    }
}

/// A company name as a second record would spell it: one or two edits.
pub(crate) fn company_name(rng: &mut impl Rng, name: &str, legal_form: &str) -> String {
    let mut out = name.to_string();
    let edits = 1 + usize::from(rng.random_bool(0.4));
    for _ in 0..edits {
        out = match rng.random_range(0..5u8) {
            0 => typo(rng, &out),
            1 => {
                let folded = drop_accents(&out);
                if folded == out {
                    typo(rng, &out)
                } else {
                    folded
                }
            }
            2 => swap_words(rng, &out, legal_form),
            3 => rewrite_legal_form(rng, &out, legal_form),
            _ => change_case(rng, &out),
        };
    }
    if out == name { typo(rng, name) } else { out }
}

/// A person's name as a second record would spell it.
pub(crate) fn person_name(rng: &mut impl Rng, name: &str) -> String {
    match rng.random_range(0..4u8) {
        0 => drop_accents(name),
        1 => name.to_uppercase(),
        2 => typo(rng, name),
        _ => name.to_string(),
    }
}

/// An e-mail address re-cased (`Helene.Lefevre@Acme.FR`).
pub(crate) fn recase_email(email: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    let mut out = String::with_capacity(email.len());
    let mut upper = true;
    for c in local.chars() {
        out.push(if upper { c.to_ascii_uppercase() } else { c });
        upper = c == '.' || c == '-';
    }
    out.push('@');
    out.push_str(&domain.to_uppercase());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn edits_change_the_name_but_keep_it_recognisable() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let name = "Société Générale d'Équipements SAS";
        for _ in 0..200 {
            let dup = company_name(&mut rng, name, "SAS");
            assert_ne!(dup, name);
            assert!(dup.chars().count() + 6 > name.chars().count(), "{dup}");
        }
    }

    #[test]
    fn legal_forms_and_words() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let forms: std::collections::HashSet<String> = (0..50)
            .map(|_| rewrite_legal_form(&mut rng, "Transports Martin SAS", "SAS"))
            .collect();
        assert!(forms.contains("Transports Martin S.A.S."), "{forms:?}");
        assert!(forms.contains("Transports Martin"), "{forms:?}");
        assert!(forms.contains("Transports Martin Sas"), "{forms:?}");
        assert_eq!(
            swap_words(&mut rng, "Transports Martin SAS", "SAS"),
            "Martin Transports SAS"
        );
        assert_eq!(
            recase_email("helene.lefevre@acme.fr"),
            "Helene.Lefevre@ACME.FR"
        );
    }
}
