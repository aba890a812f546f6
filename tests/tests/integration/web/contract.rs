//! The web crate against its contract (`crates/web/README.md`): the filters give the outputs of
//! `proto/filter_cases.json`, and both string catalogues have the same keys and placeholders.

use minijinja::value::Value;
use satudata_web::Lang;
use satudata_web::filters;
use satudata_web::i18n::Catalogue;

fn web_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/web")
}

#[test]
fn filters_give_the_contract_cases() {
    let text = std::fs::read_to_string(web_dir().join("proto/filter_cases.json")).expect("cases");
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).expect("json");
    assert!(cases.len() >= 61, "{} cases", cases.len());
    let catalogues = [
        Catalogue::load(Lang::Id).expect("id"),
        Catalogue::load(Lang::En).expect("en"),
    ];
    for case in &cases {
        let lang = Lang::from_code(case["lang"].as_str().expect("lang")).expect("known lang");
        let input = if case["input_is_nan"] == true {
            Value::from(f64::NAN)
        } else {
            Value::from(minijinja::value::Serde(&case["input"]))
        };
        let args: Vec<serde_json::Value> = case["args"].as_array().cloned().unwrap_or_default();
        let arg = args
            .first()
            .map(|a| Value::from(minijinja::value::Serde(a)));
        let got = match case["filter"].as_str().expect("filter") {
            "num" => filters::num(lang, &input, arg.as_ref()),
            "date" => filters::date(lang, &input),
            "datetime" => filters::datetime(lang, &input),
            "bytes" => filters::bytes(lang, &input),
            "key" => Ok(filters::key(input.as_str().expect("text"))),
            "url" => filters::url(
                lang,
                input.as_str().expect("path"),
                args.first().and_then(|a| a.as_str()),
            ),
            "t" => {
                let named: Vec<(String, String)> = args
                    .first()
                    .and_then(|a| a.as_object())
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                            .collect()
                    })
                    .unwrap_or_default();
                let pairs: Vec<(&str, &str)> = named
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                catalogues[usize::from(lang == Lang::En)].text(input.as_str().expect("key"), &pairs)
            }
            other => panic!("unknown filter {other}"),
        };
        let got = got.unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(got, case["expected"].as_str().expect("expected"), "{case}");
    }
}

#[test]
fn filters_refuse_what_the_contract_calls_errors() {
    assert!(filters::num(Lang::Id, &Value::from(true), None).is_err());
    assert!(filters::num(Lang::Id, &Value::from("12"), None).is_err());
    assert!(filters::bytes(Lang::Id, &Value::from(-1)).is_err());
    assert!(filters::date(Lang::Id, &Value::from("kemarin")).is_err());
    assert!(filters::url(Lang::Id, "dataset", None).is_err());
    let id = Catalogue::load(Lang::Id).expect("id");
    assert!(
        id.text("tidak.ada", &[]).is_err(),
        "a missing key is an error"
    );
    assert!(
        id.text("home.n_datasets", &[]).is_err(),
        "a placeholder without its argument is an error"
    );
}

#[test]
fn catalogues_have_the_same_keys_and_placeholders() {
    let id = Catalogue::load(Lang::Id).expect("id.toml");
    let en = Catalogue::load(Lang::En).expect("en.toml");
    let (id_keys, en_keys) = (id.keys(), en.keys());
    let only_id: Vec<&&str> = id_keys.iter().filter(|k| !en_keys.contains(k)).collect();
    let only_en: Vec<&&str> = en_keys.iter().filter(|k| !id_keys.contains(k)).collect();
    assert!(only_id.is_empty(), "only in id.toml: {only_id:?}");
    assert!(only_en.is_empty(), "only in en.toml: {only_en:?}");
    assert!(id_keys.len() > 500, "{} keys", id_keys.len());
    for key in id_keys {
        assert_eq!(
            id.placeholders(key),
            en.placeholders(key),
            "placeholders of {key} differ"
        );
    }
}
