//! Dunn index.

use rayon::prelude::*;

use super::{check_label_count, encode};
use crate::error::Result;
use crate::matrix::{Float, Matrix, distance_f64};

/// Dunn index: the smallest distance between two rows of different clusters divided by the
/// largest distance between two rows of the same cluster (the largest cluster diameter);
/// higher is better. Exact, O(n² · d) time in parallel, O(1) extra memory. Infinite when every
/// cluster is a single repeated point. Needs between 2 and n − 1 distinct labels.
pub fn dunn_index<F: Float>(x: &Matrix<F>, labels: &[usize]) -> Result<f64> {
    let enc = encode(labels, x.rows())?;
    check_label_count("Dunn", enc.n_labels(), x.rows())?;
    let codes = &enc.codes;
    let (separation, diameter) = (0..x.rows())
        .into_par_iter()
        .map(|i| {
            let mut separation = f64::INFINITY;
            let mut diameter = 0.0f64;
            for j in i + 1..x.rows() {
                let d = distance_f64(x.row(i), x.row(j));
                if codes[i] == codes[j] {
                    diameter = diameter.max(d);
                } else {
                    separation = separation.min(d);
                }
            }
            (separation, diameter)
        })
        .reduce(|| (f64::INFINITY, 0.0), |a, b| (a.0.min(b.0), a.1.max(b.1)));
    Ok(separation / diameter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_hand() {
        let x = Matrix::new(vec![0.0f64, 2.0, 10.0, 11.0], 4, 1).unwrap();
        // Separation 8 (2 to 10), largest diameter 2.
        assert_eq!(dunn_index(&x, &[0, 0, 1, 1]).unwrap(), 4.0);
        let dup = Matrix::new(vec![0.0f64, 0.0, 1.0], 3, 1).unwrap();
        assert_eq!(dunn_index(&dup, &[0, 0, 1]).unwrap(), f64::INFINITY);
    }
}
