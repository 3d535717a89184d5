//! Seeded Gaussian blobs with known clusters, for tests, examples and benchmarks.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};
use crate::matrix::Matrix;

/// `n_samples` points drawn around the rows of `centers` (isotropic Gaussian noise with
/// standard deviation `cluster_std`), with the index of each point's centre as its true label.
///
/// As scikit-learn's `make_blobs`: each centre gets `n_samples / k` points and the first
/// `n_samples % k` centres one more; points are grouped by centre, in centre order. The same
/// seed always gives the same points (not scikit-learn's points: the generators differ).
pub fn make_blobs(
    n_samples: usize,
    centers: &Matrix<f64>,
    cluster_std: f64,
    seed: u64,
) -> Result<(Matrix<f64>, Vec<usize>)> {
    centers.check_not_empty("the blob centres")?;
    if !(cluster_std.is_finite() && cluster_std >= 0.0) {
        return Err(Error::param(
            "cluster_std",
            cluster_std,
            "must be a finite number, at least 0",
        ));
    }
    let (k, d) = (centers.rows(), centers.cols());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut data = Vec::with_capacity(n_samples * d);
    let mut labels = Vec::with_capacity(n_samples);
    for c in 0..k {
        let count = n_samples / k + usize::from(c < n_samples % k);
        for _ in 0..count {
            for &m in centers.row(c) {
                data.push(m + cluster_std * standard_normal(&mut rng));
            }
            labels.push(c);
        }
    }
    Ok((Matrix::new(data, n_samples, d)?, labels))
}

/// A standard normal draw (Box–Muller).
pub(crate) fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    // 1 - u lies in (0, 1], so its logarithm is finite.
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_labels_and_spread() {
        let centers = Matrix::from_rows(&[[0.0, 0.0], [100.0, 0.0], [0.0, 100.0]]).unwrap();
        let (x, y) = make_blobs(3001, &centers, 1.0, 3).unwrap();
        assert_eq!((x.rows(), x.cols()), (3001, 2));
        assert_eq!(y.iter().filter(|&&l| l == 0).count(), 1001);
        let first: Vec<f64> = x.iter_rows().take(1001).map(|r| r[0]).collect();
        let mean = first.iter().sum::<f64>() / 1001.0;
        let var = first.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / 1001.0;
        assert!(
            mean.abs() < 0.15 && (var - 1.0).abs() < 0.15,
            "{mean} {var}"
        );
        assert_eq!(make_blobs(3001, &centers, 1.0, 3).unwrap().0, x);
    }
}
