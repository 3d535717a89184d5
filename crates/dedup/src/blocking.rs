//! Blocking: which record pairs are worth comparing. Several rules, each a key per record
//! (an exact value, a phonetic code, half of a code typed by hand); two records sharing a key
//! under any rule become a candidate pair. A block larger than `max_block_size` (a hot key,
//! such as a big city's postcode) is not expanded all against all: its records are sorted
//! and each is paired with the next `window - 1` only, so the number of pairs stays linear.
//!
//! A rule whose key too many records share (a city's postcode, the sound of a common name) is
//! skipped rather than expanded, but not lost: skipped rules on different fields are combined
//! two by two (`phonetic(name) & exact(postal_code)`), and each combination selective enough
//! is used. A company name with a typo and no web site is then still compared with the other
//! records of its postcode whose name sounds alike.

use rayon::prelude::*;
use serde::Serialize;

use crate::params::{Comparator, DedupParams};
use crate::records::{Field, NULL};

/// A blocking rule: a name and one optional key per record.
#[derive(Debug, Clone)]
pub struct BlockingRule {
    /// e.g. `exact(surname)`, `phonetic(surname)`, `prefix(postcode)`, `sorted(name)`.
    pub name: String,
    /// The field whose values make the key (its position among the compared fields).
    field: usize,
    keys: Vec<Option<u64>>,
    /// Records sharing a key form a block (`false`), or records sorted by key are paired with
    /// their next neighbours (`true`, a sorted neighbourhood: keys are sort positions).
    sorted: bool,
}

/// What a rule produced, reported before comparing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleReport {
    /// Rule name.
    pub rule: String,
    /// Candidate pairs it produced (before the union with other rules).
    pub pairs: u64,
    /// Records in its largest block.
    pub largest_block: usize,
    /// Blocks compared through the sorted window because they were too large.
    pub hot_blocks: usize,
    /// Whether the rule was left out because it would produce more pairs than
    /// `max_pairs_per_record` × records: a key that many records share says little.
    pub skipped: bool,
}

/// Rules derived from the fields: an exact rule for every field with enough distinct values,
/// a phonetic rule for text fields, and prefix/suffix rules for codes (one typo leaves one
/// half intact).
pub(crate) fn auto_rules(fields: &[Field]) -> Vec<BlockingRule> {
    let mut rules = Vec::new();
    for (field, f) in fields.iter().enumerate() {
        if f.keys.len() < 20 || f.spec.comparator == Comparator::Numeric {
            continue;
        }
        let column = &f.spec.column;
        // Dates block on the day they spell, whatever their format.
        let keys = if f.spec.comparator == Comparator::Date {
            let days: Vec<Option<u64>> =
                f.dates.iter().map(|d| d.map(|d| d.number as u64)).collect();
            per_record(f, &days)
        } else {
            f.codes
                .iter()
                .map(|&c| (c != NULL).then_some(c as u64))
                .collect()
        };
        rules.push(BlockingRule {
            name: format!("exact({column})"),
            field,
            keys,
            sorted: false,
        });
        match f.spec.comparator {
            Comparator::JaroWinkler | Comparator::Jaccard => {
                let codes: Vec<Option<u64>> = f
                    .keys
                    .iter()
                    .map(|k| phonetic(k).map(|p| hash(&p)))
                    .collect();
                rules.push(BlockingRule {
                    name: format!("phonetic({column})"),
                    field,
                    keys: per_record(f, &codes),
                    sorted: false,
                });
                // A typo moves a value in sorted order only if it is near the start: sorting
                // by the value read backwards covers that case.
                for (name, backwards) in [("sorted", false), ("sorted_backwards", true)] {
                    let mut order: Vec<(String, u32)> = f
                        .keys
                        .iter()
                        .enumerate()
                        .map(|(code, k)| {
                            let key = if backwards {
                                k.chars().rev().collect()
                            } else {
                                k.clone()
                            };
                            (key, code as u32)
                        })
                        .collect();
                    order.sort_unstable();
                    let mut position = vec![None; f.keys.len()];
                    for (p, (_, code)) in order.iter().enumerate() {
                        position[*code as usize] = Some(p as u64);
                    }
                    rules.push(BlockingRule {
                        name: format!("{name}({column})"),
                        field,
                        keys: per_record(f, &position),
                        sorted: true,
                    });
                }
            }
            Comparator::Levenshtein => {
                let half = |k: &String, front: bool| {
                    let chars: Vec<char> = k.chars().filter(|c| !c.is_whitespace()).collect();
                    if chars.len() < 4 {
                        return None;
                    }
                    let mid = chars.len() / 2;
                    let part: String = if front {
                        chars[..mid].iter().collect()
                    } else {
                        chars[mid..].iter().collect()
                    };
                    Some(hash(&format!("{}|{part}", chars.len())))
                };
                let prefix: Vec<Option<u64>> = f.keys.iter().map(|k| half(k, true)).collect();
                let suffix: Vec<Option<u64>> = f.keys.iter().map(|k| half(k, false)).collect();
                rules.push(BlockingRule {
                    name: format!("prefix({column})"),
                    field,
                    keys: per_record(f, &prefix),
                    sorted: false,
                });
                rules.push(BlockingRule {
                    name: format!("suffix({column})"),
                    field,
                    keys: per_record(f, &suffix),
                    sorted: false,
                });
            }
            Comparator::Exact | Comparator::Identifier | Comparator::Numeric | Comparator::Date => {
            }
        }
    }
    rules
}

fn per_record(f: &Field, by_code: &[Option<u64>]) -> Vec<Option<u64>> {
    f.codes
        .iter()
        .map(|&c| if c == NULL { None } else { by_code[c as usize] })
        .collect()
}

/// FNV-1a: a stable hash, so that results do not depend on the process.
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A Soundex-like code of the first word of a match key (letters only), or `None` when it has
/// no letter. Accents are already folded, so French and English names code alike.
pub fn phonetic(key: &str) -> Option<String> {
    let word = key
        .split(' ')
        .find(|w| w.chars().any(|c| c.is_ascii_alphabetic()))?;
    let letters: Vec<char> = word.chars().filter(char::is_ascii_alphabetic).collect();
    let code = |c: char| match c {
        'b' | 'f' | 'p' | 'v' => '1',
        'c' | 'g' | 'j' | 'k' | 'q' | 's' | 'x' | 'z' => '2',
        'd' | 't' => '3',
        'l' => '4',
        'm' | 'n' => '5',
        'r' => '6',
        _ => '0',
    };
    let mut out = String::with_capacity(4);
    out.push(letters[0]);
    let mut last = code(letters[0]);
    for &c in &letters[1..] {
        let d = code(c);
        if d != '0' && d != last {
            out.push(d);
            if out.len() == 4 {
                break;
            }
        }
        if c != 'h' && c != 'w' {
            last = d;
        }
    }
    while out.len() < 4 {
        out.push('0');
    }
    Some(out)
}

/// A rule's name, the position of its field, and its pairs.
pub(crate) type RuleSample = (String, usize, Vec<(u32, u32)>);

/// Pairs to compare, and each rule's pairs to learn from.
pub(crate) struct Candidates {
    /// The union of every used rule's pairs, sorted, as `(a, b)` with `a < b`.
    pub pairs: Vec<(u32, u32)>,
    /// Per used rule on equal keys, its name, the position of its field, and its pairs, to
    /// learn the model from. Rules skipped as unselective give none: EM on a sample of a
    /// common key's pairs finds populations of neighbours (one town, one trade), not matches.
    pub sessions: Vec<RuleSample>,
    /// One report per rule.
    pub reports: Vec<RuleReport>,
}

/// Both keys of two rules: a record has one only if it has both.
fn conjunction(a: &BlockingRule, b: &BlockingRule) -> BlockingRule {
    BlockingRule {
        name: format!("{} & {}", a.name, b.name),
        field: a.field,
        keys: a
            .keys
            .iter()
            .zip(&b.keys)
            .map(|(x, y)| Some(x.as_ref()?.rotate_left(29) ^ y.as_ref()?.wrapping_mul(PRIME)))
            .collect(),
        sorted: false,
    }
}

const PRIME: u64 = 0x9e37_79b9_7f4a_7c15;

/// Runs every rule, then every conjunction of two skipped rules on different fields. `rank`
/// orders records inside hot blocks. Conjunctions add candidate pairs and reports, not
/// training sessions: their pairs agree on two fields by construction, and a session can
/// leave only one out.
pub(crate) fn candidate_pairs(
    rules: &[BlockingRule],
    rank: &[u32],
    params: &DedupParams,
) -> Candidates {
    let per_rule: Vec<RulePairs> = rules
        .par_iter()
        .map(|r| rule_pairs(r, rank, params))
        .collect();
    let skipped: Vec<&BlockingRule> = rules
        .iter()
        .zip(&per_rule)
        .filter(|(rule, r)| r.report.skipped && !rule.sorted)
        .map(|(rule, _)| rule)
        .collect();
    let conjunctions: Vec<BlockingRule> = skipped
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            skipped[i + 1..]
                .iter()
                .filter(|b| b.field != a.field)
                .map(|b| conjunction(a, b))
        })
        .collect();
    let combined: Vec<RulePairs> = conjunctions
        .par_iter()
        .map(|r| rule_pairs(r, rank, params))
        .collect();
    let mut all: Vec<u64> = Vec::with_capacity(per_rule.iter().map(|r| r.candidates.len()).sum());
    let mut sessions = Vec::with_capacity(per_rule.len());
    let mut reports = Vec::with_capacity(per_rule.len());
    let unpack = |p: &u64| ((p >> 32) as u32, *p as u32);
    for (rule, r) in rules.iter().zip(per_rule) {
        all.extend(&r.candidates);
        // Neighbours in sorted order are alike, not equal, on the rule's field: leaving the
        // field out would not make their pairs a sample EM can learn the other fields from.
        if !rule.sorted && !r.report.skipped {
            let pairs = r.candidates.iter().map(unpack).collect();
            sessions.push((rule.name.clone(), rule.field, pairs));
        }
        reports.push(r.report);
    }
    for r in combined {
        // A conjunction still too unselective adds nothing; it is not reported either, as
        // there may be many.
        if !r.report.skipped {
            all.extend(&r.candidates);
            reports.push(r.report);
        }
    }
    all.par_sort_unstable();
    all.dedup();
    Candidates {
        pairs: all.iter().map(unpack).collect(),
        sessions,
        reports,
    }
}

/// What one rule gives: pairs to compare and its report.
struct RulePairs {
    candidates: Vec<u64>,
    report: RuleReport,
}

/// The pairs of one rule; none for a rule skipped as unselective.
fn rule_pairs(rule: &BlockingRule, rank: &[u32], params: &DedupParams) -> RulePairs {
    let mut keyed: Vec<(u64, u32, u32)> = rule
        .keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| k.map(|k| (k, rank[i], i as u32)))
        .collect();
    keyed.sort_unstable();
    let mut report = RuleReport {
        rule: rule.name.clone(),
        pairs: 0,
        largest_block: 0,
        hot_blocks: 0,
        skipped: false,
    };
    let pair = |a: u32, b: u32| {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        ((lo as u64) << 32) | hi as u64
    };
    if rule.sorted {
        // At most `neighbours` pairs per record by construction: never skipped.
        let mut pairs = Vec::with_capacity(keyed.len() * params.neighbours);
        for (i, x) in keyed.iter().enumerate() {
            for y in keyed.iter().skip(i + 1).take(params.neighbours) {
                pairs.push(pair(x.2, y.2));
            }
        }
        report.pairs = pairs.len() as u64;
        return RulePairs {
            candidates: pairs,
            report,
        };
    }
    let block_pairs = |len: usize| {
        if len <= params.max_block_size {
            len * (len - 1) / 2
        } else {
            (len - 1) * (params.window - 1) - (params.window - 1) * (params.window - 2) / 2
        }
    };
    let expected: usize = keyed
        .chunk_by(|x, y| x.0 == y.0)
        .map(|b| block_pairs(b.len()))
        .sum();
    let budget = ((params.max_pairs_per_record * rank.len() as f64) as usize).max(10_000);
    if expected > budget {
        report.pairs = expected as u64;
        report.skipped = true;
        report.largest_block = keyed
            .chunk_by(|x, y| x.0 == y.0)
            .map(<[_]>::len)
            .max()
            .unwrap_or(0);
        return RulePairs {
            candidates: Vec::new(),
            report,
        };
    }
    let mut pairs = Vec::with_capacity(expected);
    for block in keyed.chunk_by(|x, y| x.0 == y.0) {
        report.largest_block = report.largest_block.max(block.len());
        if block.len() <= params.max_block_size {
            for (i, x) in block.iter().enumerate() {
                for y in &block[i + 1..] {
                    pairs.push(pair(x.2, y.2));
                }
            }
        } else {
            report.hot_blocks += 1;
            for (i, x) in block.iter().enumerate() {
                for y in block.iter().skip(i + 1).take(params.window - 1) {
                    pairs.push(pair(x.2, y.2));
                }
            }
        }
    }
    report.pairs = pairs.len() as u64;
    RulePairs {
        candidates: pairs,
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phonetic_codes_match_spelling_variants() {
        assert_eq!(phonetic("robert").as_deref(), Some("r163"));
        assert_eq!(phonetic("rupert").as_deref(), Some("r163"));
        assert_eq!(phonetic("lefevre"), phonetic("lefebvre"));
        assert_eq!(phonetic("ashcraft").as_deref(), Some("a261"));
        assert_eq!(phonetic("tymczak").as_deref(), Some("t522"));
        assert_eq!(phonetic("12 rue"), phonetic("rue"));
        assert_eq!(phonetic("123"), None);
    }

    fn rule(keys: &[Option<u64>]) -> BlockingRule {
        BlockingRule {
            name: "r".into(),
            field: 0,
            keys: keys.to_vec(),
            sorted: false,
        }
    }

    #[test]
    fn blocks_give_all_pairs_and_hot_blocks_a_window() {
        let params = DedupParams {
            max_block_size: 3,
            window: 2,
            ..Default::default()
        };
        let rank: Vec<u32> = (0..8).collect();
        let small = rule(&[
            Some(1),
            Some(1),
            Some(1),
            None,
            Some(2),
            Some(3),
            Some(3),
            Some(9),
        ]);
        let c = candidate_pairs(&[small], &rank, &params);
        assert_eq!(c.pairs, [(0, 1), (0, 2), (1, 2), (5, 6)]);
        assert_eq!(c.reports[0].largest_block, 3);
        let hot = rule(&[Some(7); 8]);
        let c = candidate_pairs(&[hot], &rank, &params);
        assert_eq!(
            c.pairs.len(),
            7,
            "a window of 2 pairs each record with the next only"
        );
        assert_eq!(c.reports[0].hot_blocks, 1);
    }

    #[test]
    fn skipped_rules_are_combined_into_a_selective_one() {
        // 20,000 records, a budget of 5 pairs per record (100,000). A city shared by halves
        // (windowed: 380,000 pairs) and a name sound shared by blocks of 20 (190,000) are
        // skipped; both together make blocks of 10, 90,000 pairs.
        let params = DedupParams::default();
        let n = 20_000u32;
        let rank: Vec<u32> = (0..n).collect();
        let city = BlockingRule {
            name: "exact(city)".into(),
            field: 0,
            keys: (0..n).map(|i| Some(u64::from(i % 2))).collect(),
            sorted: false,
        };
        let sound = BlockingRule {
            name: "phonetic(name)".into(),
            field: 1,
            keys: (0..n).map(|i| Some(u64::from(i / 20))).collect(),
            sorted: false,
        };
        let c = candidate_pairs(&[city.clone(), sound], &rank, &params);
        assert!(c.reports[0].skipped && c.reports[1].skipped);
        assert_eq!(c.reports[2].rule, "exact(city) & phonetic(name)");
        assert!(!c.reports[2].skipped);
        assert_eq!(c.reports[2].largest_block, 10);
        assert_eq!(c.pairs.len(), 2_000 * 45);
        assert!(
            c.pairs
                .iter()
                .all(|&(a, b)| a % 2 == b % 2 && a / 20 == b / 20)
        );
        assert!(
            c.sessions.is_empty(),
            "neither skipped rules nor their conjunctions are learned from"
        );
        // Two rules on one field are not combined.
        let same = BlockingRule {
            name: "prefix(city)".into(),
            ..city.clone()
        };
        let c = candidate_pairs(&[city, same], &rank, &params);
        assert_eq!(c.reports.len(), 2);
        assert!(c.pairs.is_empty());
    }

    #[test]
    fn a_sorted_neighbourhood_pairs_each_record_with_its_next_neighbours() {
        let params = DedupParams {
            neighbours: 2,
            ..Default::default()
        };
        let rank: Vec<u32> = (0..5).collect();
        // Sort positions: record 3 first, then 0, 4, 1; record 2 has no value.
        let sorted = BlockingRule {
            name: "sorted(name)".into(),
            field: 0,
            keys: vec![Some(1), Some(3), None, Some(0), Some(2)],
            sorted: true,
        };
        let c = candidate_pairs(&[sorted], &rank, &params);
        assert_eq!(c.pairs, [(0, 1), (0, 3), (0, 4), (1, 4), (3, 4)]);
        assert!(!c.reports[0].skipped);
        assert!(c.sessions.is_empty(), "neighbours are not learned from");
    }

    #[test]
    fn rules_are_united_without_duplicates() {
        let params = DedupParams::default();
        let rank: Vec<u32> = (0..3).collect();
        let a = rule(&[Some(1), Some(1), Some(2)]);
        let b = rule(&[Some(5), Some(5), Some(5)]);
        let c = candidate_pairs(&[a, b], &rank, &params);
        assert_eq!(c.pairs, [(0, 1), (0, 2), (1, 2)]);
        assert_eq!(
            c.reports.iter().map(|r| r.pairs).collect::<Vec<_>>(),
            [1, 3]
        );
        assert_eq!(c.sessions[0].2, [(0, 1)]);
    }
}
