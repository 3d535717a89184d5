//! Calinski–Harabasz index (variance ratio criterion).

use super::{check_label_count, encode};
use crate::error::{Error, Result};
use crate::matrix::{Float, Matrix};

/// Calinski–Harabasz index: between-cluster dispersion over within-cluster dispersion, each
/// divided by its degrees of freedom; higher is better (scikit-learn's
/// `calinski_harabasz_score`).
///
/// Returns 1.0 when every cluster is a single repeated point (no within-cluster dispersion), as
/// scikit-learn does. Needs between 2 and n − 1 distinct labels.
pub fn calinski_harabasz_score<F: Float>(x: &Matrix<F>, labels: &[usize]) -> Result<f64> {
    let enc = encode(labels, x.rows())?;
    let (n, k) = (x.rows(), enc.n_labels());
    check_label_count("Calinski-Harabasz", k, n)?;
    let centroids = cluster_means(x, &enc.codes, &enc.counts());
    let mean = x.column_means();
    let counts = enc.counts();
    let mut extra = 0.0;
    for (c, centroid) in centroids.iter().enumerate() {
        let d: f64 = centroid
            .iter()
            .zip(&mean)
            .map(|(a, b)| (a - b) * (a - b))
            .sum();
        extra += counts[c] as f64 * d;
    }
    let mut intra = 0.0;
    for (row, &c) in x.iter_rows().zip(&enc.codes) {
        intra += row
            .iter()
            .zip(&centroids[c])
            .map(|(v, m)| (v.to_f64() - m) * (v.to_f64() - m))
            .sum::<f64>();
    }
    Ok(if intra == 0.0 {
        1.0
    } else {
        extra * (n - k) as f64 / (intra * (k - 1) as f64)
    })
}

/// The mean row (in `f64`) of each label `0..k`, in label order; a label without rows gets a
/// row of NaN. For the centroids of a partition that has none of its own (hierarchical
/// clustering) or the profile of each segment.
pub fn label_means<F: Float>(x: &Matrix<F>, labels: &[usize], k: usize) -> Result<Vec<Vec<f64>>> {
    if labels.len() != x.rows() {
        return Err(Error::LengthMismatch {
            what: "labels",
            rows: x.rows(),
            found: labels.len(),
        });
    }
    if let Some(&l) = labels.iter().find(|&&l| l >= k) {
        return Err(Error::param("labels", l, format!("must be below k = {k}")));
    }
    let mut counts = vec![0usize; k];
    labels.iter().for_each(|&l| counts[l] += 1);
    Ok(cluster_means(x, labels, &counts))
}

/// Mean (in `f64`) of the rows of each code.
pub(crate) fn cluster_means<F: Float>(
    x: &Matrix<F>,
    codes: &[usize],
    counts: &[usize],
) -> Vec<Vec<f64>> {
    let mut sums = vec![vec![0.0; x.cols()]; counts.len()];
    for (row, &c) in x.iter_rows().zip(codes) {
        for (s, v) in sums[c].iter_mut().zip(row) {
            *s += v.to_f64();
        }
    }
    for (s, &count) in sums.iter_mut().zip(counts) {
        s.iter_mut().for_each(|v| *v /= count as f64);
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_hand_computation() {
        let x = Matrix::new(vec![0.0f64, 2.0, 10.0, 12.0], 4, 1).unwrap();
        // Centroids 1 and 11, mean 6: extra = 2·25 + 2·25 = 100, intra = 4; (100 / 1) / (4 / 2).
        let s = calinski_harabasz_score(&x, &[0, 0, 1, 1]).unwrap();
        assert!((s - 50.0).abs() < 1e-12);
    }

    #[test]
    fn label_means_are_the_mean_row_of_each_label() {
        let x = Matrix::new(vec![0.0f64, 2.0, 10.0, 12.0], 4, 1).unwrap();
        let m = label_means(&x, &[0, 0, 2, 2], 3).unwrap();
        assert_eq!(m[0], [1.0]);
        assert!(m[1][0].is_nan());
        assert_eq!(m[2], [11.0]);
        assert!(label_means(&x, &[0, 0, 3, 2], 3).is_err());
        assert!(label_means(&x, &[0, 0], 3).is_err());
    }

    #[test]
    fn no_within_dispersion_gives_one() {
        let x = Matrix::new(vec![0.0f64, 0.0, 1.0], 3, 1).unwrap();
        assert_eq!(calinski_harabasz_score(&x, &[0, 0, 1]).unwrap(), 1.0);
    }

    #[test]
    fn needs_two_labels() {
        let x = Matrix::new(vec![0.0f64, 0.0, 1.0], 3, 1).unwrap();
        let e = calinski_harabasz_score(&x, &[0, 0, 0]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Calinski-Harabasz needs between 2 and n - 1 = 2 distinct labels; the labels have 1"
        );
    }
}
