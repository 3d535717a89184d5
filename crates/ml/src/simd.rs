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

    /// The loop on a processor with AVX2 and FMA, where a kernel may use the vector
    /// instructions of [`Avx2`] directly; by default [`Kernel::run`] with `FMA`. Must be
    /// `#[inline(always)]` too.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn run_avx2(self, _avx2: Avx2) -> Self::Output
    where
        Self: Sized,
    {
        self.run::<true>()
    }
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
    kernel.run_avx2(Avx2(()))
}

#[cfg(target_arch = "x86_64")]
pub(crate) use avx2::Avx2;

/// Eight `f32` lanes in AVX2 registers, as safe methods of a token that proves the processor
/// has AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use std::arch::x86_64::*;

    /// Proof that the processor has AVX2 and FMA: only [`super::run`] makes one, after
    /// checking. Its methods are `#[inline(always)]`, so that they are compiled inside the
    /// kernel, which `run` compiles for AVX2 and FMA.
    #[derive(Clone, Copy)]
    pub(crate) struct Avx2(pub(super) ());

    // SAFETY (every method): an `Avx2` exists only where the processor has AVX2 and FMA, so
    // the instructions exist; the loads and stores read and write whole arrays borrowed for
    // the call.
    impl Avx2 {
        /// `[v; 8]`.
        #[inline(always)]
        pub(crate) fn splat(self, v: f32) -> __m256 {
            unsafe { _mm256_set1_ps(v) }
        }

        /// The eight values of `a`.
        #[inline(always)]
        pub(crate) fn load(self, a: &[f32; 8]) -> __m256 {
            unsafe { _mm256_loadu_ps(a.as_ptr()) }
        }

        /// Writes `v` into `out`.
        #[inline(always)]
        pub(crate) fn store(self, v: __m256, out: &mut [f32; 8]) {
            unsafe { _mm256_storeu_ps(out.as_mut_ptr(), v) }
        }

        /// `a × b + c` per lane, rounded once.
        #[inline(always)]
        pub(crate) fn mul_add(self, a: __m256, b: __m256, c: __m256) -> __m256 {
            unsafe { _mm256_fmadd_ps(a, b, c) }
        }

        /// `c − a × b` per lane, rounded once.
        #[inline(always)]
        pub(crate) fn neg_mul_add(self, a: __m256, b: __m256, c: __m256) -> __m256 {
            unsafe { _mm256_fnmadd_ps(a, b, c) }
        }

        /// Lanes of `a` where `a < b`, else of `b`, and the bit mask of the lanes where
        /// `a < b` as a vector (for [`Avx2::select_i32`]).
        #[inline(always)]
        pub(crate) fn min_with_mask(self, a: __m256, b: __m256) -> (__m256, __m256) {
            unsafe {
                let less = _mm256_cmp_ps::<_CMP_LT_OQ>(a, b);
                (_mm256_blendv_ps(b, a, less), less)
            }
        }

        /// `[v; 8]` as integers.
        #[inline(always)]
        pub(crate) fn splat_i32(self, v: i32) -> __m256i {
            unsafe { _mm256_set1_epi32(v) }
        }

        /// Lanes of `a` where `mask` (from [`Avx2::min_with_mask`]) is set, else of `b`.
        #[inline(always)]
        pub(crate) fn select_i32(self, mask: __m256, a: __m256i, b: __m256i) -> __m256i {
            unsafe {
                _mm256_castps_si256(_mm256_blendv_ps(
                    _mm256_castsi256_ps(b),
                    _mm256_castsi256_ps(a),
                    mask,
                ))
            }
        }

        /// Writes the integer lanes of `v` into `out`.
        #[inline(always)]
        pub(crate) fn store_i32(self, v: __m256i, out: &mut [i32; 8]) {
            unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), v) }
        }

        /// The bit mask (lane `l` is bit `l`) of the lanes of `v` equal to its smallest value.
        /// `v` holds no NaN.
        #[inline(always)]
        pub(crate) fn min_lanes(self, v: __m256) -> u32 {
            unsafe {
                let m = _mm256_min_ps(v, _mm256_permute2f128_ps::<1>(v, v));
                let m = _mm256_min_ps(m, _mm256_shuffle_ps::<0b01_00_11_10>(m, m));
                let m = _mm256_min_ps(m, _mm256_shuffle_ps::<0b10_11_00_01>(m, m));
                _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_EQ_OQ>(v, m)) as u32
            }
        }
    }
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
