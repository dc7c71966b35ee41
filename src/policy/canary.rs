//! The stages of a canary deployment: the share of traffic each stage moves
//! to the new version, which `chg new` proposes as the deployment's steps.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Percentages of traffic, strictly rising, the last one 100
/// (the policy's default: 5 % → 25 % → 50 % → 100 %).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "Vec<u8>", into = "Vec<u8>")]
#[schemars(with = "Vec<u8>")]
pub struct CanaryStages(Vec<u8>);

impl Default for CanaryStages {
    fn default() -> Self {
        CanaryStages(vec![5, 25, 50, 100])
    }
}

impl TryFrom<Vec<u8>> for CanaryStages {
    type Error = String;

    fn try_from(stages: Vec<u8>) -> Result<Self, String> {
        let rising = stages.windows(2).all(|w| w[0] < w[1]);
        if stages.first().is_some_and(|s| *s == 0) || !rising || stages.last() != Some(&100) {
            return Err(format!(
                "canary stages must be percentages that rise and end at 100, such as [5, 25, 50, 100]; got {stages:?}"
            ));
        }
        Ok(CanaryStages(stages))
    }
}

impl From<CanaryStages> for Vec<u8> {
    fn from(stages: CanaryStages) -> Self {
        stages.0
    }
}

impl CanaryStages {
    /// The deployment steps a canary change is proposed: one per stage.
    pub fn steps(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|p| match p {
                100 => "canary 100 %: shift all traffic; the monitoring period starts".to_string(),
                p => format!("canary {p} %: shift {p} % of traffic; watch errors and latency"),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::CanaryStages;

    #[test]
    fn stages_must_rise_and_end_at_one_hundred() {
        assert!(CanaryStages::try_from(vec![5, 25, 50, 100]).is_ok());
        assert!(CanaryStages::try_from(vec![100]).is_ok());
        for bad in [vec![], vec![25, 5, 100], vec![5, 25, 50], vec![0, 100], vec![5, 5, 100]] {
            assert!(CanaryStages::try_from(bad.clone()).is_err(), "{bad:?}");
        }
    }
}
