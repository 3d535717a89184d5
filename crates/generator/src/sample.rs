//! Small sampling helpers over any `Rng` (rand's distributions crate is not a dependency).

use rand::Rng;

/// A uniformly chosen element of a non-empty slice.
pub(crate) fn pick<T: Copy>(rng: &mut impl Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// An element chosen with probability proportional to `weight(item)`.
pub(crate) fn pick_by<'a, T>(
    rng: &mut impl Rng,
    items: &'a [T],
    weight: impl Fn(&T) -> u32,
) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut x = rng.random_range(0..total.max(1));
    for item in items {
        let w = weight(item);
        if x < w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1]
}

/// A value chosen from `(value, weight)` pairs.
pub(crate) fn weighted<T: Copy>(rng: &mut impl Rng, items: &[(T, u32)]) -> T {
    pick_by(rng, items, |(_, w)| *w).0
}

/// A Poisson-distributed count (Knuth's method; means here stay below 60).
pub(crate) fn poisson(rng: &mut impl Rng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    let limit = (-mean).exp();
    let mut product: f64 = rng.random();
    let mut k = 0;
    while product > limit {
        product *= rng.random::<f64>();
        k += 1;
    }
    k
}

/// A value between `low` and `high` whose logarithm is uniform.
pub(crate) fn log_uniform(rng: &mut impl Rng, low: f64, high: f64) -> f64 {
    (low.ln() + rng.random::<f64>() * (high.ln() - low.ln())).exp()
}

/// A standard normal value (Box–Muller).
pub(crate) fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn poisson_and_weights_have_the_expected_means() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 20_000;
        let mean = (0..n)
            .map(|_| f64::from(poisson(&mut rng, 4.0)))
            .sum::<f64>()
            / f64::from(n);
        assert!((mean - 4.0).abs() < 0.1, "{mean}");
        let heads = (0..n)
            .filter(|_| weighted(&mut rng, &[(true, 1), (false, 3)]))
            .count();
        assert!((4000..6000).contains(&heads), "{heads}");
        let x = log_uniform(&mut rng, 10.0, 1000.0);
        assert!((10.0..=1000.0).contains(&x));
    }
}
