//! Full-text search over `dataset.search_text`, which the catalog keeps filled with the title,
//! description, tags and OPD names. Each backend indexes it natively: an external-content FTS5
//! table kept in step by triggers on SQLite, a GIN expression index on PostgreSQL.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE dataset_fts USING fts5(search_text, content='dataset', \
     content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER dataset_fts_insert AFTER INSERT ON dataset BEGIN \
     INSERT INTO dataset_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER dataset_fts_delete AFTER DELETE ON dataset BEGIN \
     INSERT INTO dataset_fts(dataset_fts, rowid, search_text) \
     VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER dataset_fts_update AFTER UPDATE OF search_text ON dataset BEGIN \
     INSERT INTO dataset_fts(dataset_fts, rowid, search_text) \
     VALUES ('delete', old.id, old.search_text); \
     INSERT INTO dataset_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
];

const POSTGRES_UP: &[&str] =
    &["CREATE INDEX idx_dataset_search ON dataset USING GIN (to_tsvector('simple', search_text))"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match manager.get_database_backend() {
            DbBackend::Sqlite => SQLITE_UP,
            DbBackend::Postgres => POSTGRES_UP,
            other => {
                return Err(DbErr::Migration(format!(
                    "unsupported database backend {other:?}"
                )));
            }
        };
        for sql in statements {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = match manager.get_database_backend() {
            DbBackend::Sqlite => "DROP TABLE dataset_fts",
            _ => "DROP INDEX idx_dataset_search",
        };
        manager
            .get_connection()
            .execute_unprepared(sql)
            .await
            .map(|_| ())
    }
}
