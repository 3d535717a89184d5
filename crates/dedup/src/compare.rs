//! Comparing two records field by field: each field gives an agreement level (0 = exact, then
//! decreasing similarity, then "disagree"), or [`MISSING`] when either value is absent.

use rayon::prelude::*;

use crate::params::Comparator;
use crate::records::{Field, NULL};

/// Level of a field when either value is missing: it says nothing either way.
pub const MISSING: u8 = u8::MAX;

/// Number of levels of a comparator, "disagree" included.
pub fn level_count(comparator: Comparator) -> usize {
    comparator.levels().len() + 1
}

/// Fields with at most this many distinct values get a table of the levels of all their pairs
/// of values (a megabyte at most).
const TABULATED: usize = 1024;

/// The agreement level of records `a` and `b` on `field`.
pub fn level(field: &Field, a: usize, b: usize) -> u8 {
    let (ca, cb) = (field.codes[a], field.codes[b]);
    if ca == NULL || cb == NULL {
        return MISSING;
    }
    if ca == cb {
        return 0;
    }
    match &field.table {
        Some(table) => table[ca as usize * field.keys.len() + cb as usize],
        None => code_level(field, ca, cb),
    }
}

/// Computes the table of levels of a field of few distinct values (job titles, countries,
/// sectors), in parallel; leaves other fields as they are.
pub(crate) fn tabulate(field: &mut Field) {
    let k = field.keys.len();
    let cheap = matches!(
        field.spec.comparator,
        Comparator::Exact | Comparator::Identifier
    );
    if k > TABULATED || cheap {
        return;
    }
    let table = (0..k as u32)
        .into_par_iter()
        .flat_map_iter(|a| {
            let field = &*field;
            (0..k as u32).map(move |b| if a == b { 0 } else { code_level(field, a, b) })
        })
        .collect();
    field.table = Some(table);
}

/// The level of two different values, by their codes.
fn code_level(field: &Field, ca: u32, cb: u32) -> u8 {
    let (ka, kb) = (&field.keys[ca as usize], &field.keys[cb as usize]);
    match field.spec.comparator {
        Comparator::Exact | Comparator::Identifier => 1,
        Comparator::JaroWinkler => {
            let s = jaro_winkler(ka, kb);
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
            match osa_distance(ka, kb) {
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
        Comparator::Date => match (field.dates[ca as usize], field.dates[cb as usize]) {
            (Some(x), Some(y)) => {
                let apart = (x.number - y.number).abs();
                if apart == 0 {
                    0
                } else if x.month == y.day && x.day == y.month && apart < 366 {
                    1
                } else if apart <= 31 {
                    2
                } else if apart <= 365 {
                    3
                } else {
                    4
                }
            }
            _ => 4,
        },
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

/// Jaro-Winkler similarity exactly as `strsim::jaro_winkler` computes it, without its
/// allocation and character decoding when both values are ASCII of at most 64 bytes (match
/// keys are folded to ASCII, so almost all are).
fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || x.len() > 64 || y.len() > 64 {
        return strsim::jaro_winkler(a, b);
    }
    let jaro = jaro_ascii(x, y);
    if jaro > 0.7 {
        let prefix = x.iter().take(4).zip(y).take_while(|(p, q)| p == q).count();
        jaro + 0.1 * prefix as f64 * (1.0 - jaro)
    } else {
        jaro
    }
}

/// Jaro similarity of two byte strings of at most 64 bytes, matched characters kept as bits.
fn jaro_ascii(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_matched, mut b_matched) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &c) in a.iter().enumerate() {
        let (low, high) = (i.saturating_sub(range), b.len().min(i + range + 1));
        for (j, &d) in b.iter().enumerate().take(high).skip(low) {
            if d == c && b_matched & (1 << j) == 0 {
                a_matched |= 1 << i;
                b_matched |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let (mut transpositions, mut j) = (0usize, 0usize);
    for (i, &c) in a.iter().enumerate() {
        if a_matched & (1 << i) != 0 {
            while b_matched & (1 << j) == 0 {
                j += 1;
            }
            transpositions += usize::from(c != b[j]);
            j += 1;
        }
    }
    let m = matches as f64;
    let t = (transpositions / 2) as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - t) / m) / 3.0
}

/// Optimal-string-alignment distance exactly as `strsim::osa_distance` computes it, on the
/// stack when both values are ASCII of at most 64 bytes (phone numbers, postcodes, codes).
fn osa_distance(a: &str, b: &str) -> usize {
    if !a.is_ascii() || !b.is_ascii() || a.len() > 64 || b.len() > 64 {
        return strsim::osa_distance(a, b);
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // Three rows of the dynamic programme: two back, one back, current.
    let mut two_back = [0usize; 65];
    let mut one_back: [usize; 65] = std::array::from_fn(|j| j);
    let mut current = [0usize; 65];
    for i in 0..a.len() {
        current[0] = i + 1;
        for j in 0..b.len() {
            let cost = usize::from(a[i] != b[j]);
            let mut d = (one_back[j] + cost)
                .min(current[j] + 1)
                .min(one_back[j + 1] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                d = d.min(two_back[j - 1] + 1);
            }
            current[j + 1] = d;
        }
        std::mem::swap(&mut two_back, &mut one_back);
        std::mem::swap(&mut one_back, &mut current);
    }
    one_back[b.len()]
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
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    /// A random word of fewer than `max_len` letters of `alphabet`.
    fn word(rng: &mut ChaCha8Rng, alphabet: &[u8], max_len: usize) -> String {
        let len = rng.random_range(0..max_len);
        (0..len)
            .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
            .collect()
    }

    #[test]
    fn jaro_winkler_equals_strsim_bit_for_bit() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let letters = b"aabcdeeilmnorst ";
        for _ in 0..20_000 {
            let (a, b) = (word(&mut rng, letters, 14), word(&mut rng, letters, 14));
            let mut c = a.clone();
            if !c.is_empty() && rng.random_bool(0.5) {
                // A near copy: one byte changed.
                let i = rng.random_range(0..c.len());
                c.replace_range(i..=i, "x");
            }
            for (x, y) in [(&a, &b), (&a, &c), (&c, &a)] {
                assert_eq!(
                    jaro_winkler(x, y).to_bits(),
                    strsim::jaro_winkler(x, y).to_bits(),
                    "{x:?} {y:?}"
                );
            }
        }
        let long = "a".repeat(70);
        assert_eq!(jaro_winkler(&long, "ab"), strsim::jaro_winkler(&long, "ab"));
        assert_eq!(
            jaro_winkler("lefèvre", "lefevre"),
            strsim::jaro_winkler("lefèvre", "lefevre")
        );
    }

    #[test]
    fn osa_distance_equals_strsim() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let digits = b"0123456";
        for _ in 0..20_000 {
            let (a, b) = (word(&mut rng, digits, 12), word(&mut rng, digits, 12));
            let mut c = a.clone();
            if c.len() >= 2 {
                // A transposition of neighbours.
                let i = rng.random_range(0..c.len() - 1);
                let bytes: Vec<u8> = c.bytes().collect();
                c = String::from_utf8(
                    [&bytes[..i], &[bytes[i + 1], bytes[i]], &bytes[i + 2..]].concat(),
                )
                .unwrap();
            }
            for (x, y) in [(&a, &b), (&a, &c), (&b, &c)] {
                assert_eq!(
                    osa_distance(x, y),
                    strsim::osa_distance(x, y),
                    "{x:?} {y:?}"
                );
            }
        }
        assert_eq!(
            osa_distance("écrit", "ecrit"),
            strsim::osa_distance("écrit", "ecrit")
        );
    }

    #[test]
    fn a_table_gives_the_levels_computing_would() {
        let ids = (0..6).map(|i| Some(i.to_string())).collect();
        let titles = [
            "dsi",
            "daf",
            "directeur financier",
            "directrice financiere",
            "cfo",
            "dsi",
        ];
        let column = titles.iter().map(|t| Some(t.to_string())).collect();
        let records = Records::new(ids, vec![("title".into(), column)]).unwrap();
        let spec = "title:jaro_winkler".parse().unwrap();
        let plain = Field::prepare(&records, spec).unwrap();
        let mut tabulated = plain.clone();
        tabulate(&mut tabulated);
        assert!(tabulated.table.is_some());
        for a in 0..6 {
            for b in 0..6 {
                assert_eq!(level(&tabulated, a, b), level(&plain, a, b), "{a} {b}");
            }
        }
    }
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
    fn dates_compare_whatever_their_format() {
        let f = field(
            &[
                "2021-03-04",
                "04/03/2021",
                "20210304",
                "2021-04-03",
                "2021-03-20",
                "2020-12-01",
                "2019-03-04",
                "not a date",
                "2021-02-30",
            ],
            "d:date",
        );
        assert_eq!(level(&f, 0, 1), 0, "the same day written two ways");
        assert_eq!(level(&f, 0, 2), 0);
        assert_eq!(level(&f, 0, 3), 1, "day and month swapped");
        assert_eq!(level(&f, 0, 4), 2, "16 days apart");
        assert_eq!(level(&f, 0, 5), 3, "93 days apart");
        assert_eq!(level(&f, 0, 6), 4, "two years apart");
        assert_eq!(level(&f, 0, 7), 4, "not a date");
        assert_eq!(level(&f, 0, 8), 4, "an impossible date");
        assert_eq!(level_count(Comparator::Date), 5);
    }

    #[test]
    fn exact_is_binary() {
        let f = field(&["a@x.fr", "A@X.FR ", "b@x.fr"], "e:exact");
        assert_eq!(level(&f, 0, 1), 0);
        assert_eq!(level(&f, 0, 2), 1);
        assert_eq!(level_count(Comparator::Exact), 2);
    }
}
