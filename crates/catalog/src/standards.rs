//! Standar Data: code lists and standard variables (walidata and pembina write, everyone reads),
//! and the Table Schema each dataset declares, exported as Frictionless with the variables'
//! rules filled in.

use chrono::Utc;
use satudata_validation::TableSchema;
use satudata_validation::schema::FieldType;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::entity::{code_list, dataset, standard_variable};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog, Role, fields};

/// One value of a code list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeItem {
    /// The code as it appears in data, e.g. `1` or `Laki-laki`.
    pub code: String,
    /// Its label.
    pub label: String,
}

/// A code list (kode referensi), created or replaced whole.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeListInput {
    /// URL name, e.g. `jenis-kelamin` (ignored on replace).
    pub slug: Option<String>,
    /// Name, e.g. "Jenis Kelamin".
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// The values, in order; codes must be unique.
    pub items: Vec<CodeItem>,
}

/// A Standar Data variable, created or replaced whole.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StandardInput {
    /// Kode of the variable, e.g. `JK` (ignored on replace).
    pub kode: Option<String>,
    /// Nama, e.g. "Jenis Kelamin".
    pub nama: String,
    /// Konsep.
    pub konsep: Option<String>,
    /// Definisi.
    pub definisi: Option<String>,
    /// Tipe data: string, integer, number, boolean, date or year.
    pub tipe_data: String,
    /// Klasifikasi: slug of the code list the values come from.
    pub code_list: Option<String>,
    /// Ukuran, e.g. "Jumlah".
    pub ukuran: Option<String>,
    /// Satuan, e.g. "Jiwa".
    pub satuan: Option<String>,
    /// Aturan validasi: smallest value.
    pub minimum: Option<f64>,
    /// Aturan validasi: largest value.
    pub maximum: Option<f64>,
    /// Aturan validasi: regular expression for the whole value.
    pub pattern: Option<String>,
}

fn require_standards_writer(actor: &Actor) -> Result<()> {
    actor.require_signed_in()?;
    match actor {
        Actor::Operator => Ok(()),
        Actor::Account(p) if matches!(p.role, Role::Admin | Role::Walidata | Role::Pembina) => {
            Ok(())
        }
        _ => Err(Error::forbidden(
            "Hanya walidata, pembina atau admin yang dapat mengubah Standar Data",
            "Only the walidata, a pembina or an admin may change Standar Data",
        )),
    }
}

fn check_items(items: &[CodeItem]) -> Result<Value> {
    let mut seen = Vec::new();
    for item in items {
        let code = fields::required("items.code", &item.code, 100)?;
        fields::required("items.label", &item.label, 300)?;
        if seen.contains(&code) {
            return Err(Error::invalid(
                "items",
                format!("Kode '{code}' muncul dua kali"),
                format!("Code '{code}' appears twice"),
            ));
        }
        seen.push(code);
    }
    serde_json::to_value(items).map_err(Error::json("a code list's items"))
}

impl Catalog {
    /// Creates a code list.
    pub async fn create_code_list(
        &self,
        actor: &Actor,
        input: CodeListInput,
    ) -> Result<code_list::Model> {
        require_standards_writer(actor)?;
        let slug = fields::slug("slug", input.slug.as_deref().unwrap_or("").trim())?;
        if self.find_code_list(&slug).await?.is_some() {
            return Err(Error::Conflict(Message::new(
                format!("Daftar kode '{slug}' sudah ada"),
                format!("code list '{slug}' already exists"),
            )));
        }
        let row = code_list::ActiveModel {
            slug: Set(slug),
            name: Set(fields::required("name", &input.name, 200)?),
            description: Set(fields::optional(
                "description",
                input.description.as_deref(),
                5000,
            )?),
            items: Set(check_items(&input.items)?),
            updated_at: Set(Utc::now()),
            ..Default::default()
        };
        Ok(row.insert(self.db()).await?)
    }

    /// Replaces a code list's name, description and values.
    pub async fn replace_code_list(
        &self,
        actor: &Actor,
        slug: &str,
        input: CodeListInput,
    ) -> Result<code_list::Model> {
        require_standards_writer(actor)?;
        let mut row = self.code_list(slug).await?.into_active_model();
        row.name = Set(fields::required("name", &input.name, 200)?);
        row.description = Set(fields::optional(
            "description",
            input.description.as_deref(),
            5000,
        )?);
        row.items = Set(check_items(&input.items)?);
        row.updated_at = Set(Utc::now());
        Ok(row.update(self.db()).await?)
    }

    /// A code list by slug.
    pub async fn code_list(&self, slug: &str) -> Result<code_list::Model> {
        self.find_code_list(slug)
            .await?
            .ok_or_else(|| Error::not_found("Daftar kode", "code list", slug))
    }

    /// The slug of a code list by id.
    pub async fn code_list_slug(&self, id: i32) -> Result<Option<String>> {
        Ok(code_list::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .map(|c| c.slug))
    }

    async fn find_code_list(&self, slug: &str) -> Result<Option<code_list::Model>> {
        Ok(code_list::Entity::find()
            .filter(code_list::Column::Slug.eq(slug))
            .one(self.db())
            .await?)
    }

    /// All code lists by slug.
    pub async fn list_code_lists(&self) -> Result<Vec<code_list::Model>> {
        Ok(code_list::Entity::find()
            .order_by_asc(code_list::Column::Slug)
            .all(self.db())
            .await?)
    }

    /// Creates a Standar Data variable.
    pub async fn create_standard(
        &self,
        actor: &Actor,
        input: StandardInput,
    ) -> Result<standard_variable::Model> {
        require_standards_writer(actor)?;
        let kode = fields::required("kode", input.kode.as_deref().unwrap_or(""), 50)?;
        if self.find_standard(&kode).await?.is_some() {
            return Err(Error::Conflict(Message::new(
                format!("Variabel Standar Data '{kode}' sudah ada"),
                format!("Standar Data variable '{kode}' already exists"),
            )));
        }
        let mut row = standard_variable::ActiveModel {
            kode: Set(kode),
            ..Default::default()
        };
        self.apply_standard(&mut row, &input).await?;
        Ok(row.insert(self.db()).await?)
    }

    /// Replaces a Standar Data variable's definition.
    pub async fn replace_standard(
        &self,
        actor: &Actor,
        kode: &str,
        input: StandardInput,
    ) -> Result<standard_variable::Model> {
        require_standards_writer(actor)?;
        let mut row = self.standard(kode).await?.into_active_model();
        self.apply_standard(&mut row, &input).await?;
        Ok(row.update(self.db()).await?)
    }

    async fn apply_standard(
        &self,
        row: &mut standard_variable::ActiveModel,
        input: &StandardInput,
    ) -> Result<()> {
        let kind: FieldType =
            serde_json::from_value(json!(input.tipe_data.trim())).unwrap_or(FieldType::Any);
        if kind == FieldType::Any {
            return Err(Error::invalid(
                "tipe_data",
                format!(
                    "Tipe data '{}' tidak dikenal. Pilihan: string, integer, number, boolean, date, year",
                    input.tipe_data
                ),
                format!(
                    "Unknown tipe_data '{}'. Accepted: string, integer, number, boolean, date, year",
                    input.tipe_data
                ),
            ));
        }
        if let Some(pattern) = &input.pattern
            && regex_syntax_ok(pattern).is_err()
        {
            return Err(Error::invalid(
                "pattern",
                "Pola (regex) tidak sah",
                "Invalid regular expression",
            ));
        }
        let code_list_id = match input.code_list.as_deref() {
            Some(slug) => Some(
                self.code_list(slug)
                    .await
                    .map_err(|_| {
                        Error::invalid(
                            "code_list",
                            format!("Daftar kode '{slug}' tidak ada"),
                            format!("No code list '{slug}'"),
                        )
                    })?
                    .id,
            ),
            None => None,
        };
        let mut aturan = serde_json::Map::new();
        if let Some(min) = input.minimum {
            aturan.insert("minimum".into(), json!(min));
        }
        if let Some(max) = input.maximum {
            aturan.insert("maximum".into(), json!(max));
        }
        if let Some(pattern) = &input.pattern {
            aturan.insert("pattern".into(), json!(pattern));
        }
        row.nama = Set(fields::required("nama", &input.nama, 200)?);
        row.konsep = Set(fields::optional("konsep", input.konsep.as_deref(), 5000)?);
        row.definisi = Set(fields::optional(
            "definisi",
            input.definisi.as_deref(),
            5000,
        )?);
        row.tipe_data = Set(kind.label().to_owned());
        row.code_list_id = Set(code_list_id);
        row.ukuran = Set(fields::optional("ukuran", input.ukuran.as_deref(), 100)?);
        row.satuan = Set(fields::optional("satuan", input.satuan.as_deref(), 100)?);
        row.aturan = Set(Value::Object(aturan));
        row.updated_at = Set(Utc::now());
        Ok(())
    }

    /// A Standar Data variable by kode.
    pub async fn standard(&self, kode: &str) -> Result<standard_variable::Model> {
        self.find_standard(kode)
            .await?
            .ok_or_else(|| Error::not_found("Variabel Standar Data", "Standar Data variable", kode))
    }

    async fn find_standard(&self, kode: &str) -> Result<Option<standard_variable::Model>> {
        Ok(standard_variable::Entity::find()
            .filter(standard_variable::Column::Kode.eq(kode))
            .one(self.db())
            .await?)
    }

    /// All Standar Data variables by kode.
    pub async fn list_standards(&self) -> Result<Vec<standard_variable::Model>> {
        Ok(standard_variable::Entity::find()
            .order_by_asc(standard_variable::Column::Kode)
            .all(self.db())
            .await?)
    }

    /// Sets a dataset's Table Schema (Frictionless; fields may name a variable in
    /// `standar_data`). Returns the effective schema.
    pub async fn set_dataset_schema(
        &self,
        actor: &Actor,
        key: &str,
        schema: Value,
    ) -> Result<TableSchema> {
        actor.require_signed_in()?;
        let dataset = self.dataset_row(actor, key).await?;
        actor.require_dataset_writer(dataset.organization_id)?;
        let parsed: TableSchema = serde_json::from_value(schema.clone()).map_err(|e| {
            Error::invalid(
                "schema",
                format!("Bukan Table Schema yang sah: {e}"),
                format!("Not a valid Table Schema: {e}"),
            )
        })?;
        let mut names = Vec::new();
        for field in &parsed.fields {
            if field.name.trim().is_empty() || names.contains(&field.name) {
                return Err(Error::invalid(
                    "schema.fields",
                    format!("Nama kolom '{}' kosong atau ganda", field.name),
                    format!("Field name '{}' is empty or repeated", field.name),
                ));
            }
            names.push(field.name.clone());
        }
        for key in parsed
            .primary_key
            .iter()
            .chain(parsed.unique_keys.iter().flatten())
        {
            if !names.contains(key) {
                return Err(Error::invalid(
                    "schema.primaryKey",
                    format!("Kunci memakai kolom '{key}' yang tidak ada di skema"),
                    format!("A key uses field '{key}', which is not in the schema"),
                ));
            }
        }
        let effective = self.effective_schema(parsed).await?;
        let before = dataset.clone();
        let mut row = dataset.into_active_model();
        row.table_schema = Set(Some(schema));
        row.updated_at = Set(Utc::now());
        let txn = self.begin_write().await?;
        let after = row.update(&txn).await?;
        crate::lifecycle::record_metadata_edit(&txn, actor, &before, &after, (&[], &[])).await?;
        txn.commit().await?;
        Ok(effective)
    }

    /// A dataset's effective Table Schema, or `None` when it declares none.
    pub async fn dataset_schema(&self, actor: &Actor, key: &str) -> Result<Option<TableSchema>> {
        let dataset = self.dataset_row(actor, key).await?;
        self.schema_of(&dataset).await
    }

    pub async fn schema_of(&self, dataset: &dataset::Model) -> Result<Option<TableSchema>> {
        let Some(stored) = dataset.table_schema.clone() else {
            return Ok(None);
        };
        let parsed: TableSchema =
            serde_json::from_value(stored).map_err(Error::json("the stored Table Schema"))?;
        Ok(Some(self.effective_schema(parsed).await?))
    }

    /// Fills each bound field from its variable: type, title, description and constraints
    /// (the code list as `enum`, the rules as minimum/maximum/pattern).
    async fn effective_schema(&self, mut schema: TableSchema) -> Result<TableSchema> {
        for field in &mut schema.fields {
            let Some(kode) = field.standar_data.clone() else {
                continue;
            };
            let variable = self.find_standard(&kode).await?.ok_or_else(|| {
                Error::invalid(
                    "schema.fields.standar_data",
                    format!("Variabel Standar Data '{kode}' tidak ada"),
                    format!("No Standar Data variable '{kode}'"),
                )
            })?;
            field.kind = serde_json::from_value(json!(variable.tipe_data)).unwrap_or_default();
            field.title.get_or_insert(variable.nama.clone());
            if field.description.is_none() {
                field.description.clone_from(&variable.definisi);
            }
            let c = &mut field.constraints;
            if let Some(min) = variable.aturan.get("minimum") {
                c.minimum = Some(min.clone());
            }
            if let Some(max) = variable.aturan.get("maximum") {
                c.maximum = Some(max.clone());
            }
            if let Some(pattern) = variable.aturan.get("pattern").and_then(Value::as_str) {
                c.pattern = Some(pattern.to_owned());
            }
            if let Some(id) = variable.code_list_id
                && let Some(list) = code_list::Entity::find_by_id(id).one(self.db()).await?
            {
                let items: Vec<CodeItem> = serde_json::from_value(list.items).unwrap_or_default();
                c.values = Some(items.into_iter().map(|i| Value::String(i.code)).collect());
            }
        }
        Ok(schema)
    }
}

/// Checks a pattern the way the engine will compile it.
fn regex_syntax_ok(pattern: &str) -> std::result::Result<(), ()> {
    satudata_validation::schema::compile_pattern(pattern)
        .map(|_| ())
        .ok_or(())
}
