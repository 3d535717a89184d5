//! Blocking: which record pairs are worth comparing. Several rules, each a key per record
//! (an exact value, a phonetic code, half of a code typed by hand); two records sharing a key
//! under any rule become a candidate pair. A block larger than `max_block_size` (a hot key,
//! such as a big city's postcode) is not expanded all against all: its records are sorted
//! and each is paired with the next `window - 1` only, so the number of pairs stays linear.

use rayon::prelude::*;
use serde::Serialize;

use crate::params::{Comparator, DedupParams};
use crate::records::{Field, NULL};

/// A blocking rule: a name and one optional key per record.
#[derive(Debug, Clone)]
pub struct BlockingRule {
    /// e.g. `exact(surname)`, `phonetic(surname)`, `prefix(postcode)`.
    pub name: String,
    /// The field whose values make the key (its position among the compared fields).
    field: usize,
    keys: Vec<Option<u64>>,
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
        rules.push(BlockingRule {
            name: format!("exact({column})"),
            field,
            keys: f
                .codes
                .iter()
                .map(|&c| (c != NULL).then_some(c as u64))
                .collect(),
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
                });
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
                });
                rules.push(BlockingRule {
                    name: format!("suffix({column})"),
                    field,
                    keys: per_record(f, &suffix),
                });
            }
            Comparator::Exact | Comparator::Identifier | Comparator::Numeric => {}
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

/// A rule's name, the position of its field, whether it was skipped as unselective, and its
/// pairs.
pub(crate) type RuleSample = (String, usize, bool, Vec<(u32, u32)>);

/// Pairs to compare, and each rule's pairs to learn from.
pub(crate) struct Candidates {
    /// The union of every used rule's pairs, sorted, as `(a, b)` with `a < b`.
    pub pairs: Vec<(u32, u32)>,
    /// Per rule, its name, the position of its field, and its pairs: all of them for a used
    /// rule; for a rule skipped as unselective, each record with its next neighbours in the
    /// block, which are compared only to learn the model (they show it the non-matches that
    /// share a common key, such as homonyms).
    pub sessions: Vec<RuleSample>,
    /// One report per rule.
    pub reports: Vec<RuleReport>,
}

/// Runs every rule. `rank` orders records inside hot blocks.
pub(crate) fn candidate_pairs(
    rules: &[BlockingRule],
    rank: &[u32],
    params: &DedupParams,
) -> Candidates {
    let per_rule: Vec<RulePairs> = rules
        .par_iter()
        .map(|r| rule_pairs(r, rank, params))
        .collect();
    let mut all: Vec<u64> = Vec::with_capacity(per_rule.iter().map(|r| r.candidates.len()).sum());
    let mut sessions = Vec::with_capacity(per_rule.len());
    let mut reports = Vec::with_capacity(per_rule.len());
    let unpack = |p: &u64| ((p >> 32) as u32, *p as u32);
    for (rule, r) in rules.iter().zip(per_rule) {
        all.extend(&r.candidates);
        let own = if r.report.skipped {
            &r.training
        } else {
            &r.candidates
        };
        sessions.push((
            rule.name.clone(),
            rule.field,
            r.report.skipped,
            own.iter().map(unpack).collect(),
        ));
        reports.push(r.report);
    }
    all.par_sort_unstable();
    all.dedup();
    Candidates {
        pairs: all.iter().map(unpack).collect(),
        sessions,
        reports,
    }
}

/// What one rule gives: pairs to compare, pairs only to learn from, and its report.
struct RulePairs {
    candidates: Vec<u64>,
    training: Vec<u64>,
    report: RuleReport,
}

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
        // Not compared, but a sample for learning: each record with its next neighbours, at
        // most `u_sample_pairs` of them.
        let mut training = Vec::new();
        for block in keyed.chunk_by(|x, y| x.0 == y.0) {
            report.largest_block = report.largest_block.max(block.len());
            for (i, x) in block.iter().enumerate() {
                for y in block.iter().skip(i + 1).take(params.window - 1) {
                    training.push(pair(x.2, y.2));
                }
            }
        }
        // EM needs a sample, not every pair: keep an evenly spaced subset.
        let cap = params.u_sample_pairs;
        if training.len() > cap {
            let step = training.len().div_ceil(cap);
            training = training.into_iter().step_by(step).collect();
        }
        return RulePairs {
            candidates: Vec::new(),
            training,
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
        training: Vec::new(),
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
        assert_eq!(c.sessions[0].3, [(0, 1)]);
    }
}
