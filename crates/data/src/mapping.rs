//! Which source column feeds which canonical column: the explicit mapping first, then
//! columns whose normalized name equals the canonical name (`Account ID` → `account_id`).

use std::path::Path;

use cible_core::project::SourceSpec;
use cible_core::schema::ColumnDef;
use cible_core::text::fold_key;

use crate::DataError;

/// A canonical column and the source column that feeds it, if any.
#[derive(Debug, Clone)]
pub(crate) struct MappedColumn {
    pub def: &'static ColumnDef,
    /// Index and name of the source column.
    pub source: Option<(usize, String)>,
}

/// A source column kept as an extra text column.
#[derive(Debug, Clone)]
pub(crate) struct KeptColumn {
    /// Output name, in snake_case.
    pub name: String,
    pub source: usize,
    pub source_name: String,
}

/// The mapping of one file.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    pub columns: Vec<MappedColumn>,
    pub keep: Vec<KeptColumn>,
    /// Source columns that feed nothing.
    pub unmapped: Vec<String>,
}

/// Lower-case snake_case without accents: `Chiffre d'affaires` → `chiffre_d_affaires`,
/// `AccountId` → `account_id`.
pub fn normalize_name(name: &str) -> String {
    let mut split = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.trim().chars() {
        if c.is_uppercase() && previous_lower {
            split.push('_');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        split.push(c);
    }
    fold_key(&split, '_')
}

/// Resolves the mapping of a file with `columns` for the source `spec`.
pub(crate) fn resolve(
    spec: &SourceSpec,
    path: &Path,
    columns: &[String],
) -> Result<Mapping, DataError> {
    let find = |name: &str| columns.iter().position(|c| c == name);
    let not_found = |source: &str, target: &str| DataError::MappedColumnNotFound {
        path: path.to_path_buf(),
        source_column: source.into(),
        target: target.into(),
        available: columns.to_vec(),
    };
    let normalized: Vec<String> = columns.iter().map(|c| normalize_name(c)).collect();
    let mut used = vec![false; columns.len()];
    let mut mapped = Vec::with_capacity(spec.kind.columns().len());
    for def in spec.kind.columns() {
        let index = match spec.columns.get(def.name) {
            Some(source) => Some(find(source).ok_or_else(|| not_found(source, def.name))?),
            None => normalized.iter().position(|n| n == def.name),
        };
        if let Some(i) = index {
            used[i] = true;
        } else if def.required {
            return Err(DataError::MissingColumn {
                path: path.to_path_buf(),
                table: spec.kind.name(),
                column: def.name,
                available: columns.to_vec(),
            });
        }
        mapped.push(MappedColumn {
            def,
            source: index.map(|i| (i, columns[i].clone())),
        });
    }
    let mut keep = Vec::with_capacity(spec.keep.len());
    for source in &spec.keep {
        let i = find(source).ok_or_else(|| not_found(source, "keep"))?;
        used[i] = true;
        keep.push(KeptColumn {
            name: normalize_name(source),
            source: i,
            source_name: source.clone(),
        });
    }
    let unmapped = columns
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(c, _)| c.clone())
        .collect();
    Ok(Mapping {
        columns: mapped,
        keep,
        unmapped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cible_core::project::SourceConfig;
    use cible_core::schema::TableKind;

    #[test]
    fn names_are_normalized_for_matching() {
        assert_eq!(normalize_name("Account ID"), "account_id");
        assert_eq!(normalize_name("AccountId"), "account_id");
        assert_eq!(normalize_name(" Chiffre d'affaires "), "chiffre_d_affaires");
        assert_eq!(normalize_name("Région"), "region");
        assert_eq!(normalize_name("N° commande"), "n_commande");
        assert_eq!(normalize_name("email_opt_in"), "email_opt_in");
    }

    fn spec(kind: TableKind, columns: &[(&str, &str)], keep: &[&str]) -> SourceSpec {
        let mut config = SourceConfig::new(kind, "x.csv");
        for (k, v) in columns {
            config.columns.insert(k.to_string(), v.to_string());
        }
        config.keep = keep.iter().map(|s| s.to_string()).collect();
        config.check("", "").unwrap()
    }

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn explicit_then_by_name_then_kept_then_unmapped() {
        let spec = spec(TableKind::Orders, &[("amount", "Montant HT")], &["Remise"]);
        let columns = cols(&[
            "Order ID",
            "Account Id",
            "Ordered At",
            "Montant HT",
            "Remise",
            "Commentaire",
        ]);
        let m = resolve(&spec, Path::new("o.csv"), &columns).unwrap();
        let source_of = |name: &str| {
            m.columns
                .iter()
                .find(|c| c.def.name == name)
                .unwrap()
                .source
                .clone()
                .map(|(i, _)| i)
        };
        assert_eq!(source_of("order_id"), Some(0));
        assert_eq!(source_of("account_id"), Some(1));
        assert_eq!(source_of("amount"), Some(3));
        assert_eq!(source_of("currency"), None);
        assert_eq!(m.keep[0].name, "remise");
        assert_eq!(m.unmapped, ["Commentaire"]);
    }

    #[test]
    fn missing_required_column_lists_what_is_there() {
        let spec = spec(TableKind::Accounts, &[], &[]);
        let err = resolve(&spec, Path::new("crm.csv"), &cols(&["Id", "Nom"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "crm.csv: missing column \"account_id\" required by accounts; available columns: Id, Nom. \
             Map one to it with --map account_id=<column> or columns = { account_id = \"<column>\" }"
        );
    }

    #[test]
    fn mapping_to_an_absent_column_is_an_error() {
        let spec = spec(TableKind::Accounts, &[("account_id", "ID compte")], &[]);
        let err = resolve(&spec, Path::new("crm.csv"), &cols(&["Id", "name"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "crm.csv: column \"ID compte\" (given for account_id) not found; available columns: Id, name"
        );
    }
}
