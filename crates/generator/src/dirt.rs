//! Planted dirt: missing values, outliers and malformed values, each recorded in
//! `truth/dirt.csv`.
//!
//! A few rows per thousand get one problem each. Missing values only blank optional columns;
//! outliers are values that still parse (revenue × 1000, 250 000 employees, an order at 100×
//! its product's price, a timestamp at the Unix epoch); malformed values are text that
//! ingestion must reject (`12k`, `N.C.`, `31/02/2024`, `fax`). Id columns are never touched.

use rand::Rng;

use crate::layout::{DataLayout, acc, con, evt, ord};
use crate::rows::{Rows, write_decimal_comma};
use crate::sample::pick;

/// The kinds of dirt, as written in `dirt.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Missing,
    Outlier,
    Malformed,
}

impl Kind {
    pub(crate) const ALL: [Kind; 3] = [Kind::Missing, Kind::Outlier, Kind::Malformed];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Missing => "missing",
            Kind::Outlier => "outlier",
            Kind::Malformed => "malformed",
        }
    }
}

/// How an outlier is made from the value it replaces.
#[derive(Clone, Copy)]
enum Outlier {
    /// This exact text.
    Fixed(&'static str),
    /// The number (decimal comma) times this factor.
    Times(f64),
    /// 100 × the unit price the row context gives.
    HundredTimesPrice,
}

/// What may happen to one column.
struct ColumnDirt {
    col: usize,
    missing: bool,
    outlier: Option<Outlier>,
    malformed: &'static [&'static str],
}

const fn dirt(
    col: usize,
    missing: bool,
    outlier: Option<Outlier>,
    malformed: &'static [&'static str],
) -> ColumnDirt {
    ColumnDirt {
        col,
        missing,
        outlier,
        malformed,
    }
}

const BAD_DATES: &[&str] = &["31/02/2024", "2024-13-45", "hier", "00/00/0000"];

const ACCOUNTS: &[ColumnDirt] = &[
    dirt(acc::SIREN, true, None, &[]),
    dirt(acc::SIRET, true, None, &[]),
    dirt(acc::LEGAL_FORM, true, None, &[]),
    dirt(acc::SECTOR_CODE, true, None, &[]),
    dirt(acc::SECTOR_LABEL, true, None, &[]),
    dirt(
        acc::EMPLOYEES,
        true,
        Some(Outlier::Fixed("250000")),
        &["12k", "environ 50", "50-100", "~200"],
    ),
    dirt(
        acc::REVENUE,
        true,
        Some(Outlier::Times(1000.0)),
        &["N.C.", "1.2.3", "12,5,3", "NC €"],
    ),
    dirt(acc::REGION, true, None, &[]),
    dirt(acc::CITY, true, None, &[]),
    dirt(acc::POSTAL_CODE, true, None, &[]),
    dirt(acc::WEBSITE, true, None, &[]),
    dirt(
        acc::CREATED_AT,
        true,
        Some(Outlier::Fixed("01/01/1900")),
        BAD_DATES,
    ),
    dirt(acc::OWNER, true, None, &[]),
];

const CONTACTS: &[ColumnDirt] = &[
    dirt(con::FIRST_NAME, true, None, &[]),
    dirt(con::LAST_NAME, true, None, &[]),
    dirt(con::EMAIL, true, None, &[]),
    dirt(con::PHONE, true, None, &[]),
    dirt(con::JOB_TITLE, true, None, &[]),
    dirt(con::DEPARTMENT, true, None, &[]),
    dirt(con::SENIORITY, true, None, &[]),
    dirt(con::OPT_IN, true, None, &["peut-être", "?", "yes please"]),
    dirt(
        con::CONSENT_DATE,
        true,
        Some(Outlier::Fixed("1900-01-01")),
        &["2024-13-45", "31/02/2024", "N/C"],
    ),
    dirt(con::CONSENT_SOURCE, true, None, &[]),
];

const ORDERS: &[ColumnDirt] = &[
    dirt(ord::DATE, false, None, BAD_DATES),
    dirt(
        ord::AMOUNT,
        false,
        Some(Outlier::HundredTimesPrice),
        &["12,50,00", "abc", "--5,00"],
    ),
    dirt(ord::CURRENCY, true, None, &[]),
    dirt(ord::PRODUCT, true, None, &[]),
    dirt(ord::CATEGORY, true, None, &[]),
    dirt(
        ord::QUANTITY,
        true,
        Some(Outlier::Fixed("10000")),
        &["2.5.1", "deux", "3 unités"],
    ),
    dirt(ord::CHANNEL, true, None, &[]),
];

const EVENTS: &[ColumnDirt] = &[
    dirt(
        evt::TIMESTAMP,
        false,
        Some(Outlier::Fixed("1970-01-01T00:00:00Z")),
        &["not a date", "2025-02-30T10:00:00Z", "yesterday"],
    ),
    dirt(evt::CHANNEL, false, None, &["fax", "telex"]),
    dirt(evt::PROPERTIES, true, None, &[]),
];

/// Probability that a row gets a missing value, an outlier, a malformed value.
const RATES: [f64; 3] = [0.006, 0.002, 0.003];

/// Plants dirt in the rows of one table.
pub(crate) struct Planter {
    layout: &'static DataLayout,
    columns: &'static [ColumnDirt],
}

impl Planter {
    /// The planter of data table `table` (index into `layout::DATA`).
    pub(crate) fn new(layout: &'static DataLayout) -> Self {
        let columns = match layout.table {
            cible_core::schema::TableKind::Accounts => ACCOUNTS,
            cible_core::schema::TableKind::Contacts => CONTACTS,
            cible_core::schema::TableKind::Orders => ORDERS,
            cible_core::schema::TableKind::Events => EVENTS,
        };
        Self { layout, columns }
    }

    /// Index of the planter's table in canonical order (accounts, contacts, orders, events).
    pub(crate) fn table_index(&self) -> usize {
        self.layout.table as usize
    }

    /// Maybe plants one problem in row `row` of `rows`, recording it in `truth` (the rows of
    /// `dirt.csv`). `unit_price` is the row's product unit price, for order outliers. Returns
    /// the kind planted.
    pub(crate) fn plant(
        &self,
        rng: &mut impl Rng,
        rows: &mut Rows,
        row: usize,
        unit_price: f64,
        truth: &mut Rows,
    ) -> Option<Kind> {
        let x: f64 = rng.random();
        let kind = if x < RATES[0] {
            Kind::Missing
        } else if x < RATES[0] + RATES[1] {
            Kind::Outlier
        } else if x < RATES[0] + RATES[1] + RATES[2] {
            Kind::Malformed
        } else {
            return None;
        };
        let mut candidates = [0usize; 16];
        let mut n = 0;
        for (i, c) in self.columns.iter().enumerate() {
            let present = !rows.get(row, c.col).is_empty();
            let fits = match kind {
                Kind::Missing => c.missing && present,
                Kind::Outlier => c.outlier.is_some() && present,
                Kind::Malformed => !c.malformed.is_empty(),
            };
            if fits {
                candidates[n] = i;
                n += 1;
            }
        }
        if n == 0 {
            return None;
        }
        let c = &self.columns[pick(rng, &candidates[..n])];
        let old = rows.get(row, c.col).to_string();
        let new = match kind {
            Kind::Missing => String::new(),
            Kind::Malformed => pick(rng, c.malformed).to_string(),
            Kind::Outlier => match c.outlier? {
                Outlier::Fixed(text) => text.to_string(),
                Outlier::Times(factor) => {
                    let value: f64 = old
                        .replace([' ', '\u{a0}'], "")
                        .replace(',', ".")
                        .parse()
                        .ok()?;
                    let mut s = String::new();
                    write_decimal_comma(&mut s, value * factor, false);
                    s
                }
                Outlier::HundredTimesPrice => {
                    let mut s = String::new();
                    write_decimal_comma(&mut s, unit_price * 100.0, false);
                    s
                }
            },
        };
        rows.set(row, c.col, &new);
        truth.push(self.layout.table.name());
        truth.push(rows.get(row, 0));
        truth.push(self.layout.canonical(c.col));
        truth.push(kind.name());
        truth.push(if kind == Kind::Missing { &old } else { &new });
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn planted_dirt_is_recorded_and_never_in_ids() {
        let planter = Planter::new(&layout::ORDERS);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut rows = Rows::new(9);
        let mut truth = Rows::new(layout::TRUTH[layout::DIRT].columns.len());
        let mut planted = 0;
        for i in 0..5000 {
            for v in [
                &format!("CMD{i}"),
                "CPT1",
                "01/02/2025",
                "120,00",
                "EUR",
                "Audit",
                "Services",
                "2",
                "web",
            ] {
                rows.push(v);
            }
            if planter
                .plant(&mut rng, &mut rows, i, 60.0, &mut truth)
                .is_some()
            {
                planted += 1;
            }
        }
        assert_eq!(truth.len(), planted);
        assert!((20..120).contains(&planted), "{planted}");
        for t in 0..truth.len() {
            let id = truth.get(t, 1);
            let row = (0..rows.len())
                .find(|&r| rows.get(r, 0) == id)
                .unwrap_or(usize::MAX);
            assert!(row < rows.len(), "{id}");
            let column = truth.get(t, 2);
            assert_ne!(column, "order_id");
            assert_ne!(column, "account_id");
            let col = layout::ORDERS
                .columns
                .iter()
                .position(|(_, c)| *c == column)
                .unwrap_or(0);
            match truth.get(t, 3) {
                "missing" => assert_eq!(rows.get(row, col), ""),
                "outlier" if column == "amount" => assert_eq!(rows.get(row, col), "6000,00"),
                _ => assert_eq!(rows.get(row, col), truth.get(t, 4)),
            }
        }
    }
}
