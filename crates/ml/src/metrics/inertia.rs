//! Inertia: the k-means objective.

use crate::error::{Error, Result};
use crate::matrix::{Float, Matrix};

/// Inertia: the sum over rows of `weight × squared Euclidean distance` to the centroid of the
/// row's label (row `labels[i]` of `centroids`), accumulated in `f64`. Without weights every
/// row weighs 1. This is what k-means minimises and what scikit-learn reports as `inertia_`.
pub fn inertia<F: Float>(
    x: &Matrix<F>,
    labels: &[usize],
    centroids: &Matrix<F>,
    weights: Option<&[f64]>,
) -> Result<f64> {
    if labels.len() != x.rows() {
        return Err(Error::LengthMismatch {
            what: "labels",
            rows: x.rows(),
            found: labels.len(),
        });
    }
    if centroids.cols() != x.cols() {
        return Err(Error::ColumnMismatch {
            what: "the centroids",
            expected: x.cols(),
            found: centroids.cols(),
        });
    }
    if let Some(w) = weights
        && w.len() != x.rows()
    {
        return Err(Error::LengthMismatch {
            what: "sample weights",
            rows: x.rows(),
            found: w.len(),
        });
    }
    if let Some((i, &l)) = labels
        .iter()
        .enumerate()
        .find(|&(_, &l)| l >= centroids.rows())
    {
        return Err(Error::param(
            "labels",
            format!("{l} (row {i})"),
            format!(
                "must be below the number of centroids, {}",
                centroids.rows()
            ),
        ));
    }
    let mut total = 0.0;
    for (i, (row, &l)) in x.iter_rows().zip(labels).enumerate() {
        let d: f64 = row
            .iter()
            .zip(centroids.row(l))
            .map(|(a, b)| (a.to_f64() - b.to_f64()) * (a.to_f64() - b.to_f64()))
            .sum();
        total += weights.map_or(1.0, |w| w[i]) * d;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_and_unweighted() {
        let x = Matrix::new(vec![0.0f64, 2.0, 10.0], 3, 1).unwrap();
        let c = Matrix::new(vec![1.0f64, 10.0], 2, 1).unwrap();
        assert_eq!(inertia(&x, &[0, 0, 1], &c, None).unwrap(), 2.0);
        assert_eq!(
            inertia(&x, &[0, 0, 1], &c, Some(&[2.0, 0.5, 1.0])).unwrap(),
            2.5
        );
        let e = inertia(&x, &[0, 2, 1], &c, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid parameter `labels` = 2 (row 1): must be below the number of centroids, 2"
        );
    }
}
