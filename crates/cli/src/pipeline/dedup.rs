//! The deduplication stage of the pipeline: accounts and contacts, compared on normalized
//! values (company names without legal form, e-mail match keys, phones in E.164, web domains),
//! so that `SAS Dupont Logistique` and `Dupont Logistique S.A.S.` agree.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use cible_clean::normalize::Country;
use cible_clean::normalize::company::normalize_company;
use cible_clean::normalize::email::normalize_email;
use cible_clean::normalize::phone::normalize_phone;
use cible_clean::normalize::registry::{normalize_siren, normalize_siret};
use cible_core::schema::TableKind;
use cible_data::read_table;
use cible_dedup::{
    Comparator, Dedup, DedupParams, DedupStats, FieldSpec, MatchedPair, Records, deduplicate,
    match_key,
};
use serde::Serialize;

use super::golden::{SurvivorshipRules, write_golden};
use super::quality::SampleMerge;
use crate::error::CliError;
use crate::output::{Output, count};

/// What deduplicating one table did.
#[derive(Debug, Clone, Serialize)]
pub struct DedupSummary {
    /// accounts or contacts.
    pub table: String,
    /// Records in.
    pub records: usize,
    /// Entities out.
    pub entities: usize,
    /// Pairs of records put in one entity.
    pub pairs: usize,
    /// Blocking, model and clustering figures.
    pub stats: DedupStats,
    /// The merges of lowest probability, explained field by field.
    pub closest_merges: Vec<SampleMerge>,
    /// Wall time.
    pub seconds: f64,
}

/// Merges shown in the quality report: the closest calls.
const CLOSEST_MERGES: usize = 5;

/// A derived column: its name, how it is compared, and how it is computed from a row.
struct Derived {
    name: &'static str,
    comparator: Comparator,
    compute: Compute,
}

/// How a derived column's value is found.
enum Compute {
    /// The canonical column of the same name, as it is.
    Copy,
    /// A function of the row.
    With(fn(&Row<'_>, &Context<'_>) -> Option<String>),
}

/// A canonical column compared as it is.
const fn copied(name: &'static str, comparator: Comparator) -> Derived {
    Derived {
        name,
        comparator,
        compute: Compute::Copy,
    }
}

/// How a table is deduplicated, beside its rows: the project's settings and what earlier
/// tables gave.
pub struct Context<'a> {
    /// Match probability from which two records are one entity.
    pub threshold: f64,
    /// Default country of phone numbers.
    pub country: Country,
    /// How golden records choose their values.
    pub survivorship: &'a SurvivorshipRules,
    /// Account id → account entity id, once accounts are deduplicated: two records of one
    /// person may point at two records of one company.
    pub account_entities: Option<&'a HashMap<String, String>>,
}

/// A row of a loaded table, by canonical column name.
struct Row<'a> {
    /// Column name → position, resolved once per table.
    columns: &'a HashMap<&'a str, usize>,
    values: &'a [Vec<Option<String>>],
    index: usize,
}

impl Row<'_> {
    fn get(&self, column: &str) -> Option<&str> {
        self.values[*self.columns.get(column)?][self.index].as_deref()
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The words of `parts` in their match form (lower case, accents folded), sorted and joined
/// by spaces; `None` without any word.
fn sorted_words<'a>(parts: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut words: Vec<String> = parts
        .flat_map(|p| {
            match_key(p)
                .split(' ')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    words.sort_unstable();
    (!words.is_empty()).then(|| words.join(" "))
}

fn web_domain(s: &str) -> String {
    let s = s.trim().to_lowercase();
    let s = s.split("://").last().unwrap_or(&s);
    let host = s.split(['/', '?', '#']).next().unwrap_or(s);
    host.strip_prefix("www.").unwrap_or(host).to_string()
}

const ACCOUNT_FIELDS: &[Derived] = &[
    Derived {
        name: "name",
        comparator: Comparator::JaroWinkler,
        // Words in alphabetical order: `Software Boyer` and `Boyer Software` are one name.
        compute: Compute::With(|r, _| {
            let raw = r.get("name")?;
            let key = normalize_company(raw).map_or_else(|_| raw.to_string(), |c| c.match_key);
            sorted_words(std::iter::once(key.as_str()))
        }),
    },
    Derived {
        name: "siren",
        comparator: Comparator::Identifier,
        // Only numbers that pass their checksum: a typo must not become a cannot-link.
        compute: Compute::With(|r, _| {
            let siren = r.get("siren").and_then(|s| normalize_siren(s).ok());
            let siren = siren.or_else(|| {
                r.get("siret")
                    .and_then(|s| normalize_siret(s).ok())
                    .map(|s| s.siren())
            });
            siren.map(|s| s.as_str().to_string())
        }),
    },
    Derived {
        name: "postal_code",
        comparator: Comparator::Levenshtein,
        compute: Compute::With(|r, _| r.get("postal_code").map(|p| p.replace(' ', ""))),
    },
    Derived {
        name: "website",
        comparator: Comparator::Exact,
        compute: Compute::With(|r, _| r.get("website").map(web_domain).filter(|d| !d.is_empty())),
    },
    // A company of one name in another country or city, another trade or another size is
    // another company.
    copied("country", Comparator::Exact),
    Derived {
        name: "sector_code",
        comparator: Comparator::Exact,
        compute: Compute::With(|r, _| {
            r.get("sector_code")
                .map(|c| c.chars().filter(char::is_ascii_alphanumeric).collect())
        }),
    },
    copied("employees", Comparator::Numeric),
];

const CONTACT_FIELDS: &[Derived] = &[
    // First and last names together, their words in alphabetical order: forms and imports
    // swap them (`DUMAS Pierre`), and a person is the same whichever comes first.
    Derived {
        name: "name",
        comparator: Comparator::JaroWinkler,
        compute: Compute::With(|r, _| {
            let names = [r.get("first_name"), r.get("last_name")];
            sorted_words(names.iter().flatten().copied())
        }),
    },
    Derived {
        name: "email",
        comparator: Comparator::Exact,
        compute: Compute::With(|r, _| {
            let raw = r.get("email")?;
            Some(normalize_email(raw).map_or_else(|_| raw.trim().to_lowercase(), |e| e.match_key))
        }),
    },
    Derived {
        name: "phone",
        comparator: Comparator::Levenshtein,
        compute: Compute::With(|r, c| {
            let raw = r.get("phone")?;
            Some(normalize_phone(raw, c.country).map_or_else(|_| digits(raw), |p| p.e164))
        }),
    },
    copied("job_title", Comparator::JaroWinkler),
    Derived {
        name: "account",
        comparator: Comparator::Exact,
        compute: Compute::With(|r, c| {
            let account = r.get("account_id")?;
            let entity = c.account_entities.and_then(|e| e.get(account));
            Some(entity.map_or(account, String::as_str).to_string())
        }),
    },
];

/// Deduplicates the loaded table `kind` at `table`, writing `entities.csv`-style lineage to
/// `entities_out`, and the pairs, golden records and model beside it (`{kind}_pairs.csv`,
/// `{kind}_golden.csv`, `{kind}_model.json`). Contacts are compared on the entity of their
/// account when the context gives them (account id → entity id). Returns the summary and every
/// record's entity by id.
pub fn dedup_table(
    kind: TableKind,
    table: &Path,
    context: &Context<'_>,
    entities_out: &Path,
    out: &Output,
) -> Result<(DedupSummary, HashMap<String, String>), CliError> {
    let started = Instant::now();
    let spinner = out.count_bar(0, format!("dedup {kind}"));
    let derived = match kind {
        TableKind::Accounts => ACCOUNT_FIELDS,
        TableKind::Contacts => CONTACT_FIELDS,
        other => {
            return Err(CliError::Usage(format!(
                "{other} are not deduplicated; only accounts and contacts are"
            )));
        }
    };
    let (text, _) = read_table(table, None, None, Default::default())?;
    let id = text.column_index(table, kind.id_column())?;
    let positions: HashMap<&str, usize> = text
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut columns = Vec::with_capacity(derived.len());
    for d in derived {
        let values = (0..text.len())
            .map(|index| {
                let row = Row {
                    columns: &positions,
                    values: &text.values,
                    index,
                };
                match d.compute {
                    Compute::Copy => row.get(d.name).map(str::to_string),
                    Compute::With(compute) => compute(&row, context),
                }
            })
            .collect();
        columns.push((d.name.to_string(), values));
    }
    let records = Records::new(text.values[id].clone(), columns)?;
    let fields = derived
        .iter()
        .map(|d| FieldSpec {
            column: d.name.into(),
            comparator: d.comparator,
        })
        .collect();
    let params = DedupParams::new()
        .fields(fields)
        .threshold(context.threshold);
    let result = deduplicate(&records, None, &params)?;
    let pairs_out = entities_out.with_file_name(format!("{kind}_pairs.csv"));
    write_lineage(&records, &result, entities_out, &pairs_out)?;
    let golden_out = entities_out.with_file_name(format!("{kind}_golden.csv"));
    write_golden(
        &text,
        id,
        &result.entities,
        context.survivorship,
        &golden_out,
    )?;
    let model_out = entities_out.with_file_name(format!("{kind}_model.json"));
    let model =
        serde_json::json!({ "model": result.model, "stats": result.stats, "params": params });
    std::fs::write(
        &model_out,
        serde_json::to_vec_pretty(&model).unwrap_or_default(),
    )
    .map_err(CliError::io(&model_out))?;
    spinner.finish_and_clear();
    let mut closest: Vec<&MatchedPair> = result.pairs.iter().collect();
    closest.sort_by(|x, y| {
        x.probability
            .total_cmp(&y.probability)
            .then_with(|| (&x.id_a, &x.id_b).cmp(&(&y.id_a, &y.id_b)))
    });
    let closest_merges = closest
        .into_iter()
        .take(CLOSEST_MERGES)
        .filter_map(|p| {
            Some(SampleMerge {
                evidence: result.explain(&p.id_a, &p.id_b)?,
                id_a: p.id_a.clone(),
                id_b: p.id_b.clone(),
                probability: p.probability,
            })
        })
        .collect();
    let entity_of = (0..records.len())
        .map(|i| (records.id(i).to_string(), result.entities[i].clone()))
        .collect();
    let summary = DedupSummary {
        table: kind.name().into(),
        records: records.len(),
        entities: result.stats.entities,
        pairs: result.pairs.len(),
        stats: result.stats,
        closest_merges,
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok((summary, entity_of))
}

/// Writes `entities.csv` (`id,entity_id`, every record once, input order) and `pairs.csv`
/// (`id_a,id_b,match_probability`).
pub fn write_lineage(
    records: &Records,
    result: &Dedup,
    entities_out: &Path,
    pairs_out: &Path,
) -> Result<(), CliError> {
    let error = |path: &Path| {
        let path = path.display().to_string();
        move |e: csv::Error| CliError::Io {
            path,
            source: std::io::Error::other(e.to_string()),
        }
    };
    let mut entities = csv::Writer::from_path(entities_out).map_err(error(entities_out))?;
    entities
        .write_record(["id", "entity_id"])
        .map_err(error(entities_out))?;
    for (i, entity) in result.entities.iter().enumerate() {
        entities
            .write_record([records.id(i), entity])
            .map_err(error(entities_out))?;
    }
    entities.flush().map_err(CliError::io(entities_out))?;
    let mut pairs = csv::Writer::from_path(pairs_out).map_err(error(pairs_out))?;
    pairs
        .write_record(["id_a", "id_b", "match_probability"])
        .map_err(error(pairs_out))?;
    for p in &result.pairs {
        let probability = format!("{:.6}", p.probability);
        pairs
            .write_record([p.id_a.as_str(), &p.id_b, &probability])
            .map_err(error(pairs_out))?;
    }
    pairs.flush().map_err(CliError::io(pairs_out))
}

/// Reads a CSV of id pairs (the first two columns of every line, after a header), such as
/// `pairs.csv` or a file of true duplicate pairs.
pub fn read_pairs(path: &Path) -> Result<Vec<(String, String)>, CliError> {
    let error = |e: csv::Error| CliError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut reader = csv::Reader::from_path(path).map_err(error)?;
    let mut pairs = Vec::new();
    for row in reader.records() {
        let row = row.map_err(error)?;
        if row.len() < 2 {
            return Err(CliError::Usage(format!(
                "{}: expected two id columns per line, found {}",
                path.display(),
                row.len()
            )));
        }
        pairs.push((row[0].trim().to_string(), row[1].trim().to_string()));
    }
    Ok(pairs)
}

/// Prints what deduplication did, for people.
pub fn print_dedup(out: &Output, s: &DedupSummary) {
    out.line(format!(
        "{}: {} records → {} entities ({} duplicates merged) in {:.2} s; {} candidate pairs, largest entity {}",
        s.table,
        count(s.records as u64),
        count(s.entities as u64),
        count((s.records - s.entities) as u64),
        s.seconds,
        count(s.stats.candidate_pairs),
        s.stats.largest_entity
    ));
}
