//! Helpers shared by the unit tests.

use rand::Rng;

use crate::matrix::Float;

/// A k-means problem whose every distance and sum is exact: `n` rows of `d` small integers,
/// `k` integer centroids of which the first and the last are equal (a tie the lowest index
/// must win), and integer weights from 0 to 3.
pub(crate) fn integer_problem<F: Float>(
    rng: &mut impl Rng,
    n: usize,
    d: usize,
    k: usize,
) -> (Vec<F>, Vec<F>, Vec<f64>) {
    let mut integers = |count: usize, range: i32| -> Vec<F> {
        (0..count)
            .map(|_| F::from_f64(f64::from(rng.random_range(-range..=range))))
            .collect()
    };
    let x = integers(n * d, 8);
    let mut centers = integers(k * d, 6);
    centers.copy_within(0..d, (k - 1) * d);
    let weights = (0..n).map(|_| f64::from(rng.random_range(0..=3))).collect();
    (x, centers, weights)
}

/// Runs `run` in a pool of one thread, then of two, for tests that results do not depend on
/// the thread count.
pub(crate) fn one_and_two_threads<T: Send>(run: impl Fn() -> T + Send + Sync) -> (T, T) {
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("a thread pool")
    };
    (pool(1).install(&run), pool(2).install(&run))
}
