//! The ROI of change management (guide 9.4): the outage minutes rollbacks
//! kept inside or ran over their RTO, the time the process cost, and money
//! where the policy gives its inputs. Pure, like the rest of the review.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::duration;
use crate::metrics::{fmt_num, Change, Metrics};
use crate::policy::{Policy, RoiInputs};
use crate::record::{Outcome, Record};

/// Money put on the figures, from the policy's inputs.
#[derive(Debug, Serialize)]
pub struct Money {
    pub currency: String,
    /// The minutes avoided, at the cost of an hour of downtime.
    pub downtime_avoided: f64,
    /// The minutes over RTO, at the cost of an hour of downtime.
    pub downtime_over_rto: f64,
    /// Failed changes' and rollbacks' minutes, at the cost of an hour of downtime.
    pub downtime_caused: f64,
    /// The hours spent, at the cost of an hour of engineering.
    pub process: f64,
    /// Avoided − over RTO − process.
    pub net: f64,
    /// `net ÷ process`; null when the process cost nothing.
    pub roi: Option<f64>,
}

/// The ROI of change management (guide 9.4).
#[derive(Debug, Serialize)]
pub struct Roi {
    pub rollbacks_within_rto: usize,
    /// Minutes between each such rollback's restore and its RTO, summed.
    pub minutes_avoided: f64,
    pub rollbacks_over_rto: usize,
    /// Minutes beyond the RTO, summed.
    pub minutes_over_rto: f64,
    /// Restore time of every rollback, summed.
    pub rollback_minutes: f64,
    pub failed_changes: usize,
    /// Start to finish of each failed change, summed.
    pub failed_minutes: f64,
    /// Start to finish of every change, summed.
    pub implementation_hours: f64,
    pub approvals: usize,
    /// `approvals × roi.hours_per_approval`; null when that is not set.
    pub approval_hours: Option<f64>,
    /// Implementation, rollbacks and approvals.
    pub process_hours: f64,
    pub inputs: RoiInputs,
    /// The policy keys left unset, which money needs.
    pub missing_inputs: Vec<&'static str>,
    pub money: Option<Money>,
    /// What the figures assume, said plainly.
    pub assumptions: Vec<String>,
    pub records: Vec<String>,
}

/// The outage minutes the quarter's rollbacks kept inside or ran over their
/// RTO, the failed changes' downtime, the time spent, and money where the
/// policy gives its inputs.
pub fn roi(counted: &Metrics, by_id: &BTreeMap<&str, &Record>, policy: &Policy) -> Roi {
    let mut r = Roi {
        rollbacks_within_rto: 0,
        minutes_avoided: 0.0,
        rollbacks_over_rto: 0,
        minutes_over_rto: 0.0,
        rollback_minutes: 0.0,
        failed_changes: 0,
        failed_minutes: 0.0,
        implementation_hours: 0.0,
        approvals: 0,
        approval_hours: None,
        process_hours: 0.0,
        inputs: policy.roi.clone(),
        missing_inputs: Vec::new(),
        money: None,
        assumptions: Vec::new(),
        records: Vec::new(),
    };
    let mut implementation = 0.0;
    for c in &counted.changes {
        if let (Some(s), Some(f)) = (c.started_at, c.finished_at) {
            implementation += duration::in_minutes(f - s);
            if c.outcome == Some(Outcome::Failed) {
                r.failed_changes += 1;
                r.failed_minutes += duration::in_minutes(f - s);
                r.records.push(format!(
                    "{}: failed, {} from start to finish",
                    c.id,
                    duration::text(f - s)
                ));
            }
        }
        r.rollbacks_of(c, policy);
        let approvals = by_id
            .get(c.id.as_str())
            .map_or(0, |rec| rec.granted_approvals().count());
        r.approvals += approvals;
    }
    r.implementation_hours = implementation / 60.0;
    r.approval_hours = policy.roi.hours_per_approval.map(|h| h * r.approvals as f64);
    r.process_hours = r.implementation_hours + r.rollback_minutes / 60.0 + r.approval_hours.unwrap_or(0.0);
    r.price(&policy.roi);
    r
}

impl Roi {
    /// Counts a change's rollbacks: restored inside their RTO or over it.
    fn rollbacks_of(&mut self, c: &Change, policy: &Policy) {
        for (i, b) in c.rollbacks.iter().enumerate() {
            let Some(check) = c.rto_check(b, policy) else {
                continue;
            };
            let took = duration::in_minutes(check.took);
            let rto = duration::in_minutes(check.rto.duration());
            self.rollback_minutes += took;
            let (margin, side) = if check.within {
                self.rollbacks_within_rto += 1;
                self.minutes_avoided += rto - took;
                (rto - took, "inside")
            } else {
                self.rollbacks_over_rto += 1;
                self.minutes_over_rto += took - rto;
                (took - rto, "over")
            };
            self.records.push(format!(
                "{}: {} {side} it{}",
                check.record_line(&c.id, i + 1),
                duration::minutes(margin),
                check.assumed()
            ));
        }
    }

    /// Says what the figures assume and, with both costs in the policy, puts money on them.
    fn price(&mut self, inputs: &RoiInputs) {
        if inputs.downtime_cost_per_hour.is_none() {
            self.missing_inputs.push("roi.downtime_cost_per_hour");
        }
        if inputs.engineering_cost_per_hour.is_none() {
            self.missing_inputs.push("roi.engineering_cost_per_hour");
        }
        if inputs.hours_per_approval.is_none() {
            self.missing_inputs.push("roi.hours_per_approval");
        }
        self.assumptions.push(
            "A rollback restored within its RTO avoided the minutes left between its restore and its RTO: the RTO is taken as the outage the process plans for (chg's reading; the standard gives no baseline).".into(),
        );
        if let Some(h) = inputs.hours_per_approval {
            self.assumptions.push(format!(
                "One approval takes {} engineering hours (policy `roi.hours_per_approval`, an assumption).",
                fmt_num(h)
            ));
        }
        if let (Some(down), Some(eng)) = (inputs.downtime_cost_per_hour, inputs.engineering_cost_per_hour) {
            let currency = inputs.currency.clone().unwrap_or_default();
            self.assumptions.push(format!(
                "An hour of downtime costs {} (policy `roi.downtime_cost_per_hour`, an assumption).",
                money_text(down, &currency)
            ));
            self.assumptions.push(format!(
                "An hour of engineering costs {} (policy `roi.engineering_cost_per_hour`, an assumption).",
                money_text(eng, &currency)
            ));
            let avoided = self.minutes_avoided / 60.0 * down;
            let over = self.minutes_over_rto / 60.0 * down;
            let caused = (self.rollback_minutes + self.failed_minutes) / 60.0 * down;
            let process = self.process_hours * eng;
            let net = avoided - over - process;
            self.money = Some(Money {
                currency,
                downtime_avoided: avoided,
                downtime_over_rto: over,
                downtime_caused: caused,
                process,
                net,
                roi: (process > 0.0).then(|| net / process),
            });
        }
    }
}

/// `12,500 EUR`: whole units with thousands separated.
pub fn money_text(amount: f64, currency: &str) -> String {
    let rounded = amount.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if rounded < 0.0 { "−" } else { "" };
    if currency.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped} {currency}")
    }
}

#[cfg(test)]
mod tests {
    use super::money_text;

    #[test]
    fn money_is_whole_units_with_thousands_separated_and_a_true_minus() {
        assert_eq!(money_text(7800.0, "EUR"), "7,800 EUR");
        assert_eq!(money_text(1_234_567.4, "USD"), "1,234,567 USD");
        assert_eq!(money_text(-516.67, "EUR"), "−517 EUR");
        assert_eq!(money_text(999.5, ""), "1,000");
        assert_eq!(money_text(0.0, "EUR"), "0 EUR");
    }
}
