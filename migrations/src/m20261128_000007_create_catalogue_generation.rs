//! A catalogue generation: one counter that every change to what the public catalogue shows
//! (datasets, their tags, versions and files, OPDs, the portal, regions, Standar Data) raises
//! in the same transaction, through triggers. Caches of harvest responses are keyed by it, so
//! a cached answer is never served after a change, whichever process or tool made it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables whose rows appear in the public feeds.
const WATCHED: &[&str] = &[
    "dataset",
    "dataset_tag",
    "dataset_version",
    "distribution",
    "organization",
    "portal",
    "region",
    "standard_variable",
];

const CREATE: &str = "CREATE TABLE catalogue_state (id INTEGER PRIMARY KEY, \
                      generation BIGINT NOT NULL DEFAULT 0)";
const SEED: &str = "INSERT INTO catalogue_state (id, generation) VALUES (1, 0)";
const BUMP: &str = "UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1";
const POSTGRES_FUNCTION: &str = "CREATE FUNCTION catalogue_bump() RETURNS trigger \
     LANGUAGE plpgsql AS $$ BEGIN \
     UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1; \
     RETURN NULL; END $$";

fn statements(backend: DbBackend) -> Result<Vec<String>, DbErr> {
    let mut sql = vec![CREATE.to_owned(), SEED.to_owned()];
    match backend {
        // SQLite triggers run per row; the counter row stays in the page cache.
        DbBackend::Sqlite => {
            for table in WATCHED {
                for (event, name) in [("INSERT", "ins"), ("UPDATE", "upd"), ("DELETE", "del")] {
                    sql.push(format!(
                        "CREATE TRIGGER catalogue_gen_{table}_{name} AFTER {event} ON {table} \
                         BEGIN {BUMP}; END"
                    ));
                }
            }
        }
        // PostgreSQL: once per statement, so a bulk import raises it once.
        DbBackend::Postgres => {
            sql.push(POSTGRES_FUNCTION.to_owned());
            for table in WATCHED {
                sql.push(format!(
                    "CREATE TRIGGER catalogue_gen_{table} AFTER INSERT OR UPDATE OR DELETE \
                     OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION catalogue_bump()"
                ));
            }
        }
        other => {
            return Err(DbErr::Migration(format!(
                "unsupported database backend {other:?}"
            )));
        }
    }
    Ok(sql)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for sql in statements(manager.get_database_backend())? {
            manager.get_connection().execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let connection = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                for table in WATCHED {
                    for name in ["ins", "upd", "del"] {
                        connection
                            .execute_unprepared(&format!(
                                "DROP TRIGGER catalogue_gen_{table}_{name}"
                            ))
                            .await?;
                    }
                }
            }
            _ => {
                for table in WATCHED {
                    connection
                        .execute_unprepared(&format!(
                            "DROP TRIGGER catalogue_gen_{table} ON {table}"
                        ))
                        .await?;
                }
                connection
                    .execute_unprepared("DROP FUNCTION catalogue_bump()")
                    .await?;
            }
        }
        connection
            .execute_unprepared("DROP TABLE catalogue_state")
            .await
            .map(|_| ())
    }
}
