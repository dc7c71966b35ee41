//! The sample, drawn reproducibly: the same population and seed give the
//! same sample on every machine. SplitMix64 is a few lines, fully specified
//! and stable, which a crate's generator need not be across versions.

use serde::Serialize;

/// SplitMix64 (Steele, Lea, Flood 2014): the seed's stream of 64-bit numbers.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` without modulo bias (rejection sampling).
    pub fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// Why a change is in the sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stratum {
    /// A control failed or could not be verified.
    Exception,
    Emergency,
    /// Drawn at random from the rest.
    Random,
}

impl Stratum {
    pub fn as_str(self) -> &'static str {
        match self {
            Stratum::Exception => "exception",
            Stratum::Emergency => "emergency",
            Stratum::Random => "random",
        }
    }
}

/// One candidate: its id and whether it must be in the sample.
pub struct Candidate {
    pub id: String,
    pub exception: bool,
    pub emergency: bool,
}

/// Draws the sample: every exception and every emergency (unless `strata`
/// is false), then random others until `size` is reached. Candidates are
/// taken in id order, so the draw depends only on the population and seed.
pub fn draw(candidates: &[Candidate], size: usize, seed: u64, strata: bool) -> Vec<(String, Stratum)> {
    let mut sorted: Vec<&Candidate> = candidates.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut chosen: Vec<(String, Stratum)> = Vec::new();
    let mut rest: Vec<&Candidate> = Vec::new();
    for c in sorted {
        match (strata, c.exception, c.emergency) {
            (true, true, _) => chosen.push((c.id.clone(), Stratum::Exception)),
            (true, false, true) => chosen.push((c.id.clone(), Stratum::Emergency)),
            _ => rest.push(c),
        }
    }
    let mut rng = SplitMix64::new(seed);
    // A partial Fisher–Yates shuffle: the first k of `rest` become the draw.
    let k = size.saturating_sub(chosen.len()).min(rest.len());
    for i in 0..k {
        let j = i + rng.below((rest.len() - i) as u64) as usize;
        rest.swap(i, j);
    }
    chosen.extend(rest[..k].iter().map(|c| (c.id.clone(), Stratum::Random)));
    chosen.sort_by(|a, b| a.0.cmp(&b.0));
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_stream() {
        // The first outputs for seed 1234567 from the reference C implementation.
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn strata_are_always_in_and_the_draw_is_stable() {
        let c: Vec<Candidate> = (0..50)
            .map(|i| Candidate {
                id: format!("CHG-2026-{i:04}"),
                exception: i == 7,
                emergency: i == 9,
            })
            .collect();
        let a = draw(&c, 5, 42, true);
        assert_eq!(a, draw(&c, 5, 42, true));
        assert_eq!(a.len(), 5);
        assert!(a.contains(&("CHG-2026-0007".into(), Stratum::Exception)));
        assert!(a.contains(&("CHG-2026-0009".into(), Stratum::Emergency)));
        assert_ne!(a, draw(&c, 5, 43, true));
    }
}
