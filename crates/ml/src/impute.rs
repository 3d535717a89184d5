//! Filling missing values: a constant, the mean, the median or the most frequent value of the
//! column (scikit-learn's `SimpleImputer`), or the mean of the k nearest rows that have a
//! value (`KNNImputer` with uniform weights and the NaN-aware Euclidean distance).

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::scale::percentile;

/// How the gaps of a numeric column are filled from its values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FillStrategy {
    /// The mean of the values.
    Mean,
    /// The median (the mean of the two middle values for an even count).
    Median,
    /// The most frequent value; ties go to the smallest.
    MostFrequent,
    /// A given value.
    Constant(f64),
}

/// The value that fills the gaps of `values` by `strategy`: `None` when the column has no
/// value to learn from (and the strategy is not a constant).
pub fn fill_value(values: &[Option<f64>], strategy: FillStrategy) -> Option<f64> {
    let present = || values.iter().flatten().copied();
    match strategy {
        FillStrategy::Constant(c) => Some(c),
        FillStrategy::Mean => {
            let (sum, n) = present().fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
            (n > 0).then(|| sum / n as f64)
        }
        FillStrategy::Median => {
            let mut sorted: Vec<f64> = present().collect();
            sorted.sort_by(f64::total_cmp);
            (!sorted.is_empty()).then(|| percentile(&sorted, 50.0))
        }
        FillStrategy::MostFrequent => {
            most_frequent(present().map(OrderedF64)).map(|OrderedF64(v)| v)
        }
    }
}

/// The most frequent of `values`; ties go to the smallest, as in scikit-learn. `None` when
/// there are no values.
pub fn most_frequent<T: Ord>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut sorted: Vec<T> = values.into_iter().collect();
    sorted.sort_unstable();
    let mut best: Option<(usize, usize)> = None; // (start, count)
    let mut start = 0;
    for i in 1..=sorted.len() {
        if i == sorted.len() || sorted[i] != sorted[start] {
            if best.is_none_or(|(_, count)| i - start > count) {
                best = Some((start, i - start));
            }
            start = i;
        }
    }
    let (at, _) = best?;
    sorted.into_iter().nth(at)
}

/// An `f64` ordered by [`f64::total_cmp`], for finding the most frequent number.
#[derive(Debug, Clone, Copy)]
struct OrderedF64(f64);

impl PartialEq for OrderedF64 {
    fn eq(&self, other: &Self) -> bool {
        self.0.total_cmp(&other.0).is_eq()
    }
}

impl Eq for OrderedF64 {}

impl PartialOrd for OrderedF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// k-nearest-neighbour imputation, as scikit-learn's `KNNImputer(n_neighbors=k)`: a missing
/// value becomes the mean of that column's values in the k rows nearest to its row among
/// those that have the value. The distance between two rows is the Euclidean distance over
/// the columns both have, scaled up by (columns / columns both have); rows with no column in
/// common are not neighbours. A row with no neighbour at all gets the column's mean.
///
/// Distances are taken on the values as given: standardize columns of different units first.
/// Of neighbours at equal distance, the earlier rows are taken (scikit-learn leaves this
/// unspecified).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnnImputer {
    /// Neighbours averaged (k ≥ 1). Default: 5.
    pub neighbours: usize,
}

impl Default for KnnImputer {
    fn default() -> Self {
        Self { neighbours: 5 }
    }
}

impl KnnImputer {
    /// The fills of `targets` (indices into `columns`) from the rows of `columns` (one vector
    /// per column, all of one length, `None` for missing): for each target, `(row, value)` of
    /// every missing value that can be filled. A column without any value gets no fills.
    pub fn fills(
        &self,
        columns: &[Vec<Option<f64>>],
        targets: &[usize],
    ) -> Result<Vec<Vec<(usize, f64)>>> {
        if self.neighbours == 0 {
            return Err(Error::param("neighbours", 0, "must be at least 1"));
        }
        let rows = columns.first().map_or(0, Vec::len);
        if let Some(c) = columns.iter().position(|c| c.len() != rows) {
            return Err(Error::ColumnLength {
                name: format!("#{c}"),
                rows,
                found: columns[c].len(),
            });
        }
        if let Some(&t) = targets.iter().find(|&&t| t >= columns.len()) {
            return Err(Error::param(
                "targets",
                t,
                format!("must be below the number of columns, {}", columns.len()),
            ));
        }
        for (c, column) in columns.iter().enumerate() {
            if let Some(row) = column.iter().flatten().position(|v| !v.is_finite()) {
                return Err(Error::param(
                    "columns",
                    format!(
                        "column #{c}, value {}",
                        column
                            .iter()
                            .flatten()
                            .nth(row)
                            .copied()
                            .unwrap_or_default()
                    ),
                    "values must be finite; missing values are None",
                ));
            }
        }
        let width = columns.len() as f64;
        // Squared NaN-aware distance between rows a and b, None without a common column.
        let distance = |a: usize, b: usize| -> Option<f64> {
            let (mut sum, mut common) = (0.0, 0usize);
            for column in columns {
                if let (Some(x), Some(y)) = (column[a], column[b]) {
                    sum += (x - y) * (x - y);
                    common += 1;
                }
            }
            (common > 0).then(|| sum * width / common as f64)
        };
        Ok(targets
            .iter()
            .map(|&t| {
                let column = &columns[t];
                let donors: Vec<usize> = (0..rows).filter(|&r| column[r].is_some()).collect();
                if donors.is_empty() {
                    return Vec::new();
                }
                let mean =
                    donors.iter().filter_map(|&r| column[r]).sum::<f64>() / donors.len() as f64;
                let receivers: Vec<usize> = (0..rows).filter(|&r| column[r].is_none()).collect();
                receivers
                    .par_iter()
                    .map(|&r| {
                        let mut near: Vec<(f64, usize)> = donors
                            .iter()
                            .filter_map(|&d| distance(r, d).map(|dist| (dist, d)))
                            .collect();
                        if near.is_empty() {
                            return (r, mean);
                        }
                        let k = self.neighbours.min(near.len());
                        let by_distance = |a: &(f64, usize), b: &(f64, usize)| {
                            a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
                        };
                        if k < near.len() {
                            near.select_nth_unstable_by(k - 1, by_distance);
                        }
                        let sum: f64 = near[..k].iter().filter_map(|&(_, d)| column[d]).sum();
                        (r, sum / k as f64)
                    })
                    .collect()
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_fills() {
        let v = [Some(1.0), None, Some(3.0), Some(3.0), Some(10.0), None];
        assert_eq!(fill_value(&v, FillStrategy::Mean), Some(4.25));
        assert_eq!(fill_value(&v, FillStrategy::Median), Some(3.0));
        assert_eq!(fill_value(&v, FillStrategy::MostFrequent), Some(3.0));
        assert_eq!(fill_value(&v, FillStrategy::Constant(-1.0)), Some(-1.0));
        assert_eq!(fill_value(&[None, None], FillStrategy::Median), None);
        assert_eq!(fill_value(&[None], FillStrategy::Constant(0.0)), Some(0.0));
        // Ties go to the smallest value, of numbers and of text alike.
        assert_eq!(
            fill_value(&[Some(2.0), Some(1.0)], FillStrategy::MostFrequent),
            Some(1.0)
        );
        assert_eq!(most_frequent(["b", "a", "b", "a", "c"]), Some("a"));
        assert_eq!(most_frequent(Vec::<&str>::new()), None);
    }

    #[test]
    fn knn_fills_from_the_nearest_rows_with_a_value() {
        let x = vec![
            Some(0.0),
            Some(1.0),
            Some(10.0),
            Some(11.0),
            Some(0.5),
            None,
        ];
        let y = vec![
            Some(1.0),
            Some(3.0),
            Some(100.0),
            Some(200.0),
            None,
            Some(5.0),
        ];
        let fills = KnnImputer { neighbours: 2 }
            .fills(&[x, y], &[0, 1])
            .unwrap();
        // Row 5 has no x: its nearest rows by y alone are rows 1 (3) and 0 (1).
        assert_eq!(fills[0], vec![(5, 0.5)]);
        // Row 4 has no y: its nearest rows by x are rows 0 and 1.
        assert_eq!(fills[1], vec![(4, 2.0)]);
    }

    #[test]
    fn rows_without_a_common_column_get_the_mean() {
        let x = vec![Some(1.0), Some(3.0), None];
        let y = vec![None, None, Some(7.0)];
        let fills = KnnImputer::default().fills(&[x, y.clone()], &[0]).unwrap();
        assert_eq!(fills[0], vec![(2, 2.0)]);
        assert!(
            KnnImputer::default()
                .fills(&[vec![None, None]], &[0])
                .unwrap()[0]
                .is_empty()
        );
        let e = KnnImputer { neighbours: 0 }.fills(&[y], &[0]).unwrap_err();
        assert!(e.to_string().contains("neighbours"), "{e}");
    }
}
