//! Comparing two records field by field: each field gives an agreement level (0 = exact, then
//! decreasing similarity, then "disagree"), or [`MISSING`] when either value is absent.

use crate::params::Comparator;
use crate::records::{Field, NULL};

/// Level of a field when either value is missing: it says nothing either way.
pub const MISSING: u8 = u8::MAX;

/// Number of levels of a comparator, "disagree" included.
pub fn level_count(comparator: Comparator) -> usize {
    comparator.levels().len() + 1
}

/// The agreement level of records `a` and `b` on `field`.
pub fn level(field: &Field, a: usize, b: usize) -> u8 {
    let (ca, cb) = (field.codes[a], field.codes[b]);
    if ca == NULL || cb == NULL {
        return MISSING;
    }
    if ca == cb {
        return 0;
    }
    let (ka, kb) = (&field.keys[ca as usize], &field.keys[cb as usize]);
    match field.spec.comparator {
        Comparator::Exact | Comparator::Identifier => 1,
        Comparator::JaroWinkler => {
            let s = strsim::jaro_winkler(ka, kb);
            if s >= 0.95 {
                1
            } else if s >= 0.88 {
                2
            } else if s >= 0.80 {
                3
            } else {
                4
            }
        }
        Comparator::Levenshtein => {
            if ka.len().abs_diff(kb.len()) > 2 {
                return 3;
            }
            match strsim::osa_distance(ka, kb) {
                1 => 1,
                2 => 2,
                _ => 3,
            }
        }
        Comparator::Jaccard => {
            let j = jaccard(&field.tokens[ca as usize], &field.tokens[cb as usize]);
            if j >= 0.8 {
                1
            } else if j >= 0.5 {
                2
            } else {
                3
            }
        }
        Comparator::Numeric => {
            let (x, y) = (field.numbers[ca as usize], field.numbers[cb as usize]);
            let scale = x.abs().max(y.abs());
            let relative = if scale == 0.0 {
                0.0
            } else {
                (x - y).abs() / scale
            };
            if relative.is_nan() {
                3
            } else if relative <= 0.01 {
                1
            } else if relative <= 0.10 {
                2
            } else {
                3
            }
        }
    }
}

/// Jaccard similarity of two sorted, deduplicated token lists.
fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        1.0
    } else {
        common as f64 / union as f64
    }
}

/// Whether a comparison vector contradicts an identifier: both records have one and they
/// differ, so they cannot be the same entity.
pub fn cannot_link(fields: &[Field], levels: &[u8]) -> bool {
    fields
        .iter()
        .zip(levels)
        .any(|(f, &l)| f.spec.comparator == Comparator::Identifier && l == 1)
}

/// The comparison vector of a pair: one level per field.
pub fn compare(fields: &[Field], a: usize, b: usize, out: &mut Vec<u8>) {
    out.clear();
    out.extend(fields.iter().map(|f| level(f, a, b)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Records;

    fn field(values: &[&str], spec: &str) -> Field {
        let ids = (0..values.len()).map(|i| Some(i.to_string())).collect();
        let column = values
            .iter()
            .map(|v| (!v.is_empty()).then(|| v.to_string()))
            .collect();
        let name = spec.split(':').next().unwrap().to_string();
        let records = Records::new(ids, vec![(name, column)]).unwrap();
        Field::prepare(&records, spec.parse().unwrap()).unwrap()
    }

    #[test]
    fn jaro_winkler_levels() {
        let f = field(
            &["Martin", "MARTIN", "Martine", "Martinez", "Bernard", ""],
            "n:jw",
        );
        assert_eq!(level(&f, 0, 1), 0);
        assert_eq!(level(&f, 0, 2), 1, "martin/martine: 0.97");
        assert_eq!(level(&f, 0, 3), 1, "martin/martinez: 0.95");
        assert_eq!(level(&f, 0, 4), 4);
        assert_eq!(level(&f, 0, 5), MISSING);
    }

    #[test]
    fn levenshtein_levels() {
        let f = field(
            &["4011", "4012", "4102", "9999", "40111111", "4101"],
            "p:levenshtein",
        );
        assert_eq!(level(&f, 0, 1), 1);
        assert_eq!(level(&f, 0, 2), 2);
        assert_eq!(level(&f, 0, 5), 1, "a transposition is one edit");
        assert_eq!(level(&f, 0, 3), 3);
        assert_eq!(level(&f, 0, 4), 3);
    }

    #[test]
    fn jaccard_levels_ignore_word_order() {
        let f = field(
            &[
                "Dupont Logistique Lyon",
                "Logistique Dupont Lyon",
                "Dupont Logistique",
                "Martin Transports",
            ],
            "n:jaccard",
        );
        assert_eq!(level(&f, 0, 1), 1);
        assert_eq!(level(&f, 0, 2), 2);
        assert_eq!(level(&f, 0, 3), 3);
    }

    #[test]
    fn numeric_levels_are_relative() {
        let f = field(&["1000", "1005", "1080", "2000", "0"], "x:numeric");
        assert_eq!(level(&f, 0, 1), 1);
        assert_eq!(level(&f, 0, 2), 2);
        assert_eq!(level(&f, 0, 3), 3);
        assert_eq!(level(&f, 3, 4), 3);
    }

    #[test]
    fn exact_is_binary() {
        let f = field(&["a@x.fr", "A@X.FR ", "b@x.fr"], "e:exact");
        assert_eq!(level(&f, 0, 1), 0);
        assert_eq!(level(&f, 0, 2), 1);
        assert_eq!(level_count(Comparator::Exact), 2);
    }
}
