//! When the next version of a dataset is due, from its frekuensi (jadwal pemutakhiran), in the
//! portal's local calendar (WIB, as the pages show dates).

use chrono::{DateTime, Days, FixedOffset, Months, NaiveDate, Utc};

/// The portal's date of an instant: WIB (UTC+7).
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    FixedOffset::east_opt(7 * 3600)
        .map(|wib| at.with_timezone(&wib).date_naive())
        .unwrap_or_else(|| at.date_naive())
}

/// Today in the portal's calendar.
pub fn local_today() -> NaiveDate {
    local_date(Utc::now())
}

/// The date the next version is due: the last publication plus one period of `frekuensi`
/// (`None` for Ad-hoc or an unknown value).
pub fn next_update(frekuensi: &str, last: NaiveDate) -> Option<NaiveDate> {
    match frekuensi {
        "Harian" => last.checked_add_days(Days::new(1)),
        "Mingguan" => last.checked_add_days(Days::new(7)),
        "Bulanan" => last.checked_add_months(Months::new(1)),
        "Triwulanan" => last.checked_add_months(Months::new(3)),
        "Empat Bulanan" => last.checked_add_months(Months::new(4)),
        "Semesteran" => last.checked_add_months(Months::new(6)),
        "Tahunan" => last.checked_add_months(Months::new(12)),
        "Dua Tahunan" => last.checked_add_months(Months::new(24)),
        _ => None,
    }
}

impl crate::Catalog {
    /// When each dataset's current version was published (its last update, which the next
    /// one is due after), by dataset id; withdrawn datasets and those never published are left
    /// out.
    pub(crate) async fn last_updates(
        &self,
        datasets: &[crate::entity::dataset::Model],
    ) -> crate::error::Result<std::collections::HashMap<i32, DateTime<Utc>>> {
        use crate::entity::dataset_version;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
        let current: std::collections::HashMap<i32, i32> = datasets
            .iter()
            .filter(|d| d.withdrawn_at.is_none())
            .filter_map(|d| d.current_version_id.map(|v| (v, d.id)))
            .collect();
        let ids: Vec<i32> = current.keys().copied().collect();
        let mut out = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let rows: Vec<(i32, Option<DateTime<Utc>>)> = dataset_version::Entity::find()
                .select_only()
                .columns([
                    dataset_version::Column::Id,
                    dataset_version::Column::PublishedAt,
                ])
                .filter(dataset_version::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(self.db())
                .await?;
            for (version, at) in rows {
                if let (Some(dataset), Some(at)) = (current.get(&version), at) {
                    out.insert(*dataset, at);
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::next_update;

    #[test]
    fn periods() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(next_update("Tahunan", d(2026, 5, 12)), Some(d(2027, 5, 12)));
        assert_eq!(next_update("Bulanan", d(2026, 1, 31)), Some(d(2026, 2, 28)));
        assert_eq!(
            next_update("Triwulanan", d(2026, 11, 30)),
            Some(d(2027, 2, 28))
        );
        assert_eq!(
            next_update("Mingguan", d(2026, 12, 29)),
            Some(d(2027, 1, 5))
        );
        assert_eq!(next_update("Ad-hoc", d(2026, 5, 12)), None);
    }
}
