//! Hot loops compiled twice: once for any x86-64 processor and once for those with AVX2 and
//! FMA, chosen at run time, so that one binary runs everywhere and uses the wide registers and
//! fused multiply–add where the processor has them.
//!
//! A hot loop is written once, generic over `const FMA: bool`, in a [`Kernel`] whose `run` is
//! `#[inline(always)]`: [`run`] inlines it into a function compiled for AVX2 and FMA when the
//! processor has them, where fixed-size lane arrays (`[F; 8]`) become 256-bit registers. The
//! two versions may round differently (a fused multiply–add rounds once), so a result can
//! differ in its last bits between processors, never between runs or thread counts on one.

use crate::matrix::Float;

/// A hot loop, compiled for the processor's widest supported instruction set by [`run`].
pub(crate) trait Kernel {
    /// What the loop returns.
    type Output;

    /// The loop. Implementations must be `#[inline(always)]` so that they are compiled with
    /// the caller's instruction set. `FMA` says whether [`mul_add`] is one instruction.
    fn run<const FMA: bool>(self) -> Self::Output;
}

/// Runs `kernel` with AVX2 and FMA when the processor has them, else for baseline x86-64.
pub(crate) fn run<K: Kernel>(kernel: K) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // The crate's only unsafe code: calling a function compiled for AVX2 and FMA.
        // SAFETY: the processor supports AVX2 and FMA, as just checked.
        #[allow(unsafe_code)]
        return unsafe { run_avx2_fma(kernel) };
    }
    kernel.run::<false>()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn run_avx2_fma<K: Kernel>(kernel: K) -> K::Output {
    kernel.run::<true>()
}

/// `a × b + c`: fused (one rounding) when `FMA`, else a multiplication and an addition
/// (without FMA in hardware, a fused one would be a slow library call).
#[inline(always)]
pub(crate) fn mul_add<F: Float, const FMA: bool>(a: F, b: F, c: F) -> F {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dot<'a>(&'a [f64], &'a [f64]);

    impl Kernel for Dot<'_> {
        type Output = f64;

        #[inline(always)]
        fn run<const FMA: bool>(self) -> f64 {
            self.0
                .iter()
                .zip(self.1)
                .fold(0.0, |acc, (&a, &b)| mul_add::<f64, FMA>(a, b, acc))
        }
    }

    #[test]
    fn both_versions_compute_the_same_exact_dot_product() {
        let a: Vec<f64> = (0..37).map(f64::from).collect();
        let b: Vec<f64> = (0..37).map(|i| f64::from(i % 5) - 2.0).collect();
        let expected: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        // Small integers: every rounding is exact, so both versions agree exactly.
        assert_eq!(run(Dot(&a, &b)), expected);
        assert_eq!(Dot(&a, &b).run::<false>(), expected);
    }
}
