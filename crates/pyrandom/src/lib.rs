//! CPython's `random` module, for the calls the tutorial makes: `seed(int)`, `randint`,
//! `random` and `getrandbits`.
//!
//! The tutorial's outputs (which coroutine sleeps how long) come from `random.seed(444)`.
//! To print the same numbers, this module reproduces CPython exactly: the MT19937 generator,
//! seeded the way `random.seed(int)` seeds it (`init_by_array` over the 32-bit words of the
//! seed's absolute value), and `randint` via rejection sampling on `getrandbits`, as
//! CPython 3.11 does it. The tests hold vectors printed by CPython 3.11.
//!
//! A program that does not need the tutorial's exact numbers should use the `rand` crate.

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// A Mersenne Twister that draws the same numbers as CPython's `random.Random`.
#[derive(Clone)]
pub struct PyRandom {
    state: Box<[u32; N]>,
    index: usize,
}

impl std::fmt::Debug for PyRandom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyRandom").field("index", &self.index).finish_non_exhaustive()
    }
}

impl PyRandom {
    /// `random.Random(seed)`, or `random.seed(seed)` on a fresh generator.
    pub fn new(seed: i64) -> PyRandom {
        let mut rng = PyRandom { state: Box::new([0; N]), index: N };
        rng.seed(seed);
        rng
    }

    /// `random.seed(seed)` for an integer seed. Like CPython, a negative seed is seeded
    /// by its absolute value.
    pub fn seed(&mut self, seed: i64) {
        let magnitude = seed.unsigned_abs();
        let low = magnitude as u32;
        let high = (magnitude >> 32) as u32;
        if high == 0 {
            self.init_by_array(&[low]);
        } else {
            self.init_by_array(&[low, high]);
        }
    }

    fn init_genrand(&mut self, s: u32) {
        self.state[0] = s;
        for i in 1..N {
            let prev = self.state[i - 1];
            self.state[i] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(i as u32);
        }
        self.index = N;
    }

    fn init_by_array(&mut self, key: &[u32]) {
        self.init_genrand(19_650_218);
        let mt = &mut self.state;
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            let prev = mt[i - 1];
            mt[i] = (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = mt[i - 1];
            mt[i] = (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
    }

    fn twist(&mut self) {
        let mt = &mut self.state;
        for k in 0..N {
            let y = (mt[k] & UPPER_MASK) | (mt[(k + 1) % N] & LOWER_MASK);
            let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
            mt[k] = mt[(k + M) % N] ^ (y >> 1) ^ mag;
        }
        self.index = 0;
    }

    /// The next 32 random bits (CPython's `genrand_uint32`).
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random.random()`: a float in [0, 1) with 53 random bits.
    pub fn random(&mut self) -> f64 {
        let a = u64::from(self.next_u32() >> 5);
        let b = u64::from(self.next_u32() >> 6);
        (a as f64 * 67_108_864.0 + b as f64) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `random.uniform(a, b)`: `a + (b - a) * random()`, as CPython computes it.
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.random()
    }

    /// `random.getrandbits(k)` for `k` in `0..=64`.
    ///
    /// # Panics
    /// If `k > 64`: this port only returns what fits in a `u64`.
    pub fn getrandbits(&mut self, k: u32) -> u64 {
        assert!(k <= 64, "getrandbits({k}): this port supports at most 64 bits");
        if k == 0 {
            return 0;
        }
        if k <= 32 {
            return u64::from(self.next_u32() >> (32 - k));
        }
        // CPython fills 32-bit words from the least significant end; the last word keeps
        // only its top bits.
        let low = u64::from(self.next_u32());
        let high = u64::from(self.next_u32() >> (64 - k));
        (high << 32) | low
    }

    /// `random.randint(a, b)`: an integer in `a..=b`, both ends included.
    ///
    /// # Panics
    /// If `a > b`, where CPython raises `ValueError`.
    pub fn randint(&mut self, a: i64, b: i64) -> i64 {
        assert!(a <= b, "randint({a}, {b}): empty range");
        let width = (b as i128 - a as i128 + 1) as u128;
        // The widest range, i64::MIN..=i64::MAX, has 2^64 values; every other fits a u64.
        let offset =
            if width > u128::from(u64::MAX) { self.getrandbits(64) } else { self.randbelow(width as u64) };
        (a as i128 + offset as i128) as i64
    }

    /// CPython's `_randbelow_with_getrandbits`: draw `n.bit_length()` bits until below `n`.
    fn randbelow(&mut self, n: u64) -> u64 {
        let k = u64::BITS - n.leading_zeros();
        loop {
            let r = self.getrandbits(k);
            if r < n {
                return r;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each vector was printed by CPython 3.11.7, e.g.
    // python3 -c "import random; random.seed(444); print([random.randint(0,10) for _ in range(12)])"

    const SEEDS: [i64; 3] = [444, 0, (1 << 40) + 12345];

    #[test]
    fn uniform_draws_what_cpython_draws() {
        // CPython 3.11: random.seed(444); [random.uniform(0.5, 2.0) for _ in range(3)]
        let mut rng = PyRandom::new(444);
        let drawn: Vec<f64> = (0..3).map(|_| rng.uniform(0.5, 2.0)).collect();
        assert_eq!(drawn, [0.9633419881144318, 0.5198562738575299, 1.2266563021712746]);
    }

    #[test]
    fn randint_matches_cpython() {
        let expected: [[i64; 12]; 3] = [
            [4, 4, 0, 4, 7, 4, 4, 8, 10, 7, 8, 4],
            [6, 6, 0, 4, 8, 7, 6, 4, 7, 5, 9, 3],
            [4, 5, 1, 0, 8, 2, 3, 2, 10, 1, 9, 4],
        ];
        for (seed, want) in SEEDS.into_iter().zip(expected) {
            let mut rng = PyRandom::new(seed);
            let got: Vec<i64> = (0..12).map(|_| rng.randint(0, 10)).collect();
            assert_eq!(got, want, "seed {seed}");
        }
    }

    #[test]
    fn random_matches_cpython() {
        let expected: [[f64; 3]; 3] = [
            [0.3088946587429545, 0.01323751590501987, 0.4844375347808497],
            [0.8444218515250481, 0.7579544029403025, 0.420571580830845],
            [0.31036222241287226, 0.1148930862836336, 0.5335990945925775],
        ];
        for (seed, want) in SEEDS.into_iter().zip(expected) {
            let mut rng = PyRandom::new(seed);
            let got: Vec<f64> = (0..3).map(|_| rng.random()).collect();
            assert_eq!(got, want, "seed {seed}");
        }
    }

    #[test]
    fn getrandbits_matches_cpython() {
        let expected: [[u64; 5]; 3] = [
            [0, 36, 56854717, 1327727452, 15891499723622021728],
            [1, 49, 3255389356, 3823568514, 4776171008201404212],
            [0, 44, 493462063, 4311705962, 3763813389795215162],
        ];
        for (seed, want) in SEEDS.into_iter().zip(expected) {
            let mut rng = PyRandom::new(seed);
            let got: Vec<u64> = [1, 7, 32, 33, 64].map(|k| rng.getrandbits(k)).to_vec();
            assert_eq!(got, want, "seed {seed}");
        }
    }

    #[test]
    fn wide_randint_matches_cpython() {
        let expected: [[i64; 3]; 3] = [
            [314859305064, 339359271096, 302728354096],
            [424533559240, 978212965543, 44756014160],
            [383585084952, 493462058, 152615646030],
        ];
        for (seed, want) in SEEDS.into_iter().zip(expected) {
            let mut rng = PyRandom::new(seed);
            let got: Vec<i64> = (0..3).map(|_| rng.randint(-5, 1_000_000_000_000)).collect();
            assert_eq!(got, want, "seed {seed}");
        }
    }

    #[test]
    fn negative_seed_is_seeded_by_its_magnitude() {
        let mut rng = PyRandom::new(-444);
        let got: Vec<i64> = (0..5).map(|_| rng.randint(0, 10)).collect();
        assert_eq!(got, [4, 4, 0, 4, 7]);
    }

    #[test]
    fn reseeding_restarts_the_sequence() {
        let mut rng = PyRandom::new(444);
        let first = rng.randint(0, 10);
        rng.randint(0, 10);
        rng.seed(444);
        assert_eq!(rng.randint(0, 10), first);
    }

    #[test]
    fn randint_stays_in_range_at_the_extremes() {
        let mut rng = PyRandom::new(7);
        for _ in 0..1000 {
            assert_eq!(rng.randint(3, 3), 3);
            let v = rng.randint(-2, 2);
            assert!((-2..=2).contains(&v));
        }
        rng.randint(i64::MIN, i64::MAX);
    }

    #[test]
    #[should_panic(expected = "empty range")]
    fn randint_refuses_an_empty_range() {
        PyRandom::new(1).randint(5, 4);
    }
}
