//! Bounds on what one query may ask, so that no request can build an unbounded plan: the data
//! API's and `datastore_search`'s conditions here, and the same numbers for CKAN's `q`/`fq`
//! (the harvest crate's parser reads them). Each is a configuration key of the service.

use std::collections::HashSet;
use std::time::Duration;

use crate::error::Result;
use crate::params::bad;
use crate::{DataQuery, Op, Where};

/// The bounds; the defaults are generous for people and harvesters, small for attackers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Characters in one query text (`q`, one `fq`, one filter value).
    pub max_chars: usize,
    /// Nesting of parentheses, NOTs, `$or`/`$and`.
    pub max_depth: usize,
    /// Conditions (terms, filters) in one query.
    pub max_terms: usize,
    /// Values in one `in` list (or a `datastore_search` filter's list).
    pub max_list_values: usize,
    /// Words in one text search.
    pub max_words: usize,
    /// Longest a data query may run; a slower one is answered 503 (its thread finishes in the
    /// background, holding its slot, so slow queries cannot pile up).
    pub timeout: Duration,
    /// Data queries that run at once; more wait for a slot (up to `timeout`).
    pub concurrency: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_chars: 8_000,
            max_depth: 16,
            max_terms: 200,
            max_list_values: 1_000,
            max_words: 20,
            timeout: Duration::from_secs(30),
            concurrency: 4,
        }
    }
}

impl DataQuery {
    /// Refuses a query that is larger than `limits` allow, or that names a column twice where
    /// that makes no sense (`select`, `group_by`, the aggregations), with a 400 naming the
    /// parameter.
    pub fn check(&self, limits: &Limits) -> Result<()> {
        no_repeats("select", self.select.iter().map(String::as_str))?;
        no_repeats("group_by", self.group_by.iter().map(String::as_str))?;
        let aggs: Vec<String> = self
            .aggs
            .iter()
            .map(|(agg, column)| format!("{agg:?}:{}", column.as_deref().unwrap_or("*")))
            .collect();
        no_repeats("agg", aggs.iter().map(String::as_str))?;
        no_repeats("sort", self.sort.iter().map(|(c, _)| c.as_str()))?;
        let mut terms = 0;
        for filter in &self.filters {
            terms += 1;
            check_value(limits, &filter.param, filter.op, &filter.value)?;
        }
        if let Some(condition) = &self.condition {
            check_where(limits, condition, 1, &mut terms)?;
        }
        if terms > limits.max_terms {
            return Err(bad(
                "filter",
                format!("Paling banyak {} syarat dalam satu kueri", limits.max_terms),
                format!("At most {} conditions in one query", limits.max_terms),
            ));
        }
        Ok(())
    }
}

fn no_repeats<'a>(param: &str, names: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut seen = HashSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(bad(
                param,
                format!("'{name}' disebut dua kali di {param}"),
                format!("'{name}' appears twice in {param}"),
            ));
        }
    }
    Ok(())
}

fn check_value(limits: &Limits, param: &str, op: Op, value: &str) -> Result<()> {
    if value.chars().count() > limits.max_chars {
        return Err(bad(
            param,
            format!("Nilai lebih dari {} karakter", limits.max_chars),
            format!("The value is longer than {} characters", limits.max_chars),
        ));
    }
    if op == Op::In && value.split(',').count() > limits.max_list_values {
        return Err(bad(
            param,
            format!(
                "Paling banyak {} nilai dalam daftar",
                limits.max_list_values
            ),
            format!("At most {} values in a list", limits.max_list_values),
        ));
    }
    Ok(())
}

fn check_where(limits: &Limits, condition: &Where, depth: usize, terms: &mut usize) -> Result<()> {
    if depth > limits.max_depth {
        return Err(bad(
            "filters",
            format!("Syarat bersarang lebih dari {} tingkat", limits.max_depth),
            format!("Conditions nested deeper than {} levels", limits.max_depth),
        ));
    }
    match condition {
        Where::Filter(filter) => {
            *terms += 1;
            check_value(limits, &filter.param, filter.op, &filter.value)
        }
        Where::OneOf { param, values, .. } => {
            *terms += 1;
            if values.len() > limits.max_list_values {
                return Err(bad(
                    param,
                    format!(
                        "Paling banyak {} nilai dalam daftar",
                        limits.max_list_values
                    ),
                    format!("At most {} values in a list", limits.max_list_values),
                ));
            }
            values
                .iter()
                .try_for_each(|v| check_value(limits, param, Op::Eq, v))
        }
        Where::All(parts) | Where::Any(parts) => parts
            .iter()
            .try_for_each(|part| check_where(limits, part, depth + 1, terms)),
        Where::Text { param, text, .. } => {
            *terms += 1;
            check_value(limits, param, Op::Eq, text)?;
            if text.split_whitespace().count() > limits.max_words {
                return Err(bad(
                    param,
                    format!("Paling banyak {} kata dalam pencarian", limits.max_words),
                    format!("At most {} words in a search", limits.max_words),
                ));
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Limits;
    use crate::{DataQuery, Filter, Op, Where};

    fn parsed(pairs: &[(&str, &str)]) -> crate::Result<DataQuery> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let query = DataQuery::parse(&pairs)?;
        query.check(&Limits::default())?;
        Ok(query)
    }

    fn refused_param(pairs: &[(&str, &str)]) -> Option<String> {
        match parsed(pairs) {
            Err(crate::Error::BadParameter { param, .. }) => Some(param),
            _ => None,
        }
    }

    #[test]
    fn repeated_names_lists_and_words_are_400s() {
        assert_eq!(
            refused_param(&[("select", "a,b,a")]).as_deref(),
            Some("select")
        );
        assert_eq!(
            refused_param(&[("group_by", "x,x")]).as_deref(),
            Some("group_by")
        );
        assert_eq!(
            refused_param(&[("group_by", "x"), ("agg", "sum:y,sum:y")]).as_deref(),
            Some("agg")
        );
        assert!(parsed(&[("group_by", "x"), ("agg", "sum:y,max:y,count")]).is_ok());
        let thousand: Vec<String> = (0..1_000).map(|i| i.to_string()).collect();
        let list = thousand.join(",");
        assert!(parsed(&[("filter[tahun][in]", &list)]).is_ok());
        let too_many = format!("{list},1000");
        assert_eq!(
            refused_param(&[("filter[tahun][in]", &too_many)]).as_deref(),
            Some("filter[tahun][in]")
        );
    }

    #[test]
    fn deep_wide_and_wordy_conditions_are_400s() {
        let leaf = || {
            Where::Filter(Filter {
                param: "filters.a".into(),
                column: "a".into(),
                op: Op::Eq,
                value: "1".into(),
            })
        };
        let mut deep = leaf();
        for _ in 0..20 {
            deep = Where::Any(vec![deep]);
        }
        let query = |condition| DataQuery {
            condition: Some(condition),
            ..DataQuery::default()
        };
        assert!(query(deep).check(&Limits::default()).is_err());
        let wide = Where::Any((0..300).map(|_| leaf()).collect());
        assert!(query(wide).check(&Limits::default()).is_err());
        let words = Where::Text {
            param: "q".into(),
            columns: Vec::new(),
            text: vec!["kata"; 600].join(" "),
        };
        assert!(query(words).check(&Limits::default()).is_err());
        let few = Where::Text {
            param: "q".into(),
            columns: Vec::new(),
            text: "puskesmas kranggan".into(),
        };
        assert!(query(few).check(&Limits::default()).is_ok());
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 500,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Bounded fuzzing of the data API's query string: any pairs parse or are a 400,
        /// never a panic.
        #[test]
        fn any_query_string_parses_or_is_refused(
            pairs in proptest::collection::vec(
                (
                    prop_oneof![
                        Just("select".to_owned()), Just("sort".to_owned()),
                        Just("limit".to_owned()), Just("offset".to_owned()),
                        Just("after".to_owned()), Just("group_by".to_owned()),
                        Just("agg".to_owned()), Just("format".to_owned()),
                        Just("version".to_owned()), "filter\\[[a-z\\]\\[]{0,12}",
                        "\\PC{0,12}",
                    ],
                    prop_oneof![
                        "\\PC{0,40}",
                        "[0-9,\\-]{0,40}",
                        Just("18446744073709551616".to_owned()),
                        Just("all".to_owned()),
                    ],
                ),
                0..12,
            ),
        ) {
            if let Ok(query) = DataQuery::parse(&pairs) {
                let _ = query.check(&Limits::default());
            }
        }
    }
}
