//! Davies–Bouldin index.

use super::calinski_harabasz::cluster_means;
use super::{check_label_count, encode};
use crate::error::Result;
use crate::matrix::{Float, Matrix, distance_f64};

/// Davies–Bouldin index: the mean, over clusters, of the worst ratio of summed within-cluster
/// scatter to centroid distance; lower is better, 0 is the minimum (scikit-learn's
/// `davies_bouldin_score`).
///
/// Returns 0.0 when all clusters have no scatter or all centroids coincide (to within 1e-8),
/// as scikit-learn does. Needs between 2 and n − 1 distinct labels.
pub fn davies_bouldin_score<F: Float>(x: &Matrix<F>, labels: &[usize]) -> Result<f64> {
    let enc = encode(labels, x.rows())?;
    let k = enc.n_labels();
    check_label_count("Davies-Bouldin", k, x.rows())?;
    let counts = enc.counts();
    let centroids = cluster_means(x, &enc.codes, &counts);
    let mut scatter = vec![0.0; k];
    for (row, &c) in x.iter_rows().zip(&enc.codes) {
        let row: Vec<f64> = row.iter().map(|v| v.to_f64()).collect();
        scatter[c] += distance_f64(&row, &centroids[c]);
    }
    for (s, &count) in scatter.iter_mut().zip(&counts) {
        *s /= count as f64;
    }
    let mut centroid_distances = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            centroid_distances[i * k + j] = distance_f64(&centroids[i], &centroids[j]);
        }
    }
    let near_zero = |v: &f64| v.abs() <= 1e-8;
    if scatter.iter().all(near_zero) || centroid_distances.iter().all(near_zero) {
        return Ok(0.0);
    }
    let mut total = 0.0;
    for i in 0..k {
        let worst = (0..k)
            .map(|j| {
                let d = centroid_distances[i * k + j];
                // Coinciding centroids (and i itself) are skipped, as scikit-learn does by
                // dividing by infinity.
                if d == 0.0 {
                    0.0
                } else {
                    (scatter[i] + scatter[j]) / d
                }
            })
            .fold(f64::NEG_INFINITY, f64::max);
        total += worst;
    }
    Ok(total / k as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_hand_computation() {
        let x = Matrix::new(vec![0.0f64, 2.0, 10.0, 12.0], 4, 1).unwrap();
        // Scatter 1 for both clusters, centroid distance 10: (1 + 1) / 10.
        let s = davies_bouldin_score(&x, &[0, 0, 1, 1]).unwrap();
        assert!((s - 0.2).abs() < 1e-15);
    }

    #[test]
    fn no_scatter_gives_zero() {
        let x = Matrix::new(vec![0.0f64, 0.0, 1.0], 3, 1).unwrap();
        assert_eq!(davies_bouldin_score(&x, &[0, 0, 1]).unwrap(), 0.0);
    }
}
