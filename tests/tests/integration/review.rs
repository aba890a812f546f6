//! The review lifecycle: submit, return with notes, approve (and the pembina for Data
//! Prioritas), publish, withdraw with a reason (410), history, and akses-based visibility.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, twin};

twin!(
    produsen_submits_walidata_returns_then_publishes,
    data_prioritas_needs_the_pembina,
    withdrawn_datasets_answer_410_with_the_reason,
    akses_decides_who_sees_a_published_dataset,
    metadata_edits_are_in_the_history,
);

pub const CLEAN: &[u8] = b"kecamatan,jenis_kelamin,jumlah,satuan,tahun\n\
Prajuritkulon,Laki-laki,1234,Jiwa,2024\n\
Prajuritkulon,Perempuan,1301,Jiwa,2024\n\
Magersari,Laki-laki,2210,Jiwa,2024\n";

async fn produsen_submits_walidata_returns_then_publishes(app: TestApp) {
    let t = &app.tokens;
    let slug = app
        .dataset(json!({"title": "Jumlah Penduduk", "organization": "dinkes"}))
        .await;
    let base = format!("/api/v1/datasets/{slug}/versions");
    // A version with errors (a non-numeric cell in a numeric column) cannot be submitted.
    app.upload(
        &slug,
        Some(&t.produsen),
        "text/csv",
        b"kecamatan,jumlah,satuan,tahun\nMagersari,10,Jiwa,2024\nKranggan,11,Jiwa,2024\nPrajurit,12,Jiwa,2024\nX,13,Jiwa,2024\nY,14,Jiwa,2024\nZ,15,Jiwa,2024\nW,16,Jiwa,2024\nV,17,Jiwa,2024\nU,18,Jiwa,2024\nT,19,Jiwa,2024\nS,sepuluh,Jiwa,2024\n",
    )
    .await
    .expect(StatusCode::CREATED);
    let refused = app
        .post_json(&format!("{base}/1/submit"), Some(&t.produsen), json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    assert!(
        refused.json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("galat")),
        "{}",
        refused.json
    );

    let v2 = app
        .upload(&slug, Some(&t.produsen), "text/csv", CLEAN)
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(v2.json["status"], "DRAFT");
    // Only the owning OPD (or the walidata) submits; nobody reviews a draft.
    app.post_json(
        &format!("{base}/2/submit"),
        Some(&t.other_produsen),
        json!({}),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    app.post_json(
        &format!("{base}/2/review"),
        Some(&t.walidata),
        json!({"decision": "approve"}),
    )
    .await
    .expect(StatusCode::CONFLICT);
    // An empty body is a submission without a note.
    let submitted = app
        .call(
            axum::http::Method::POST,
            &format!("{base}/2/submit"),
            Some(&t.produsen),
            None,
            axum::body::Body::empty(),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(submitted.json["status"], "MENUNGGU_PERSETUJUAN");
    // Submitting twice is a conflict; the produsen cannot review its own data.
    app.post_json(&format!("{base}/2/submit"), Some(&t.produsen), json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    app.post_json(
        &format!("{base}/2/review"),
        Some(&t.produsen),
        json!({"decision": "approve"}),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    // Still unpublished: the public does not see it.
    app.get(&format!("/api/v1/datasets/{slug}"), None)
        .await
        .expect(StatusCode::NOT_FOUND);

    // Returning needs a note; the OPD sees it on the version.
    let no_note = app
        .post_json(
            &format!("{base}/2/review"),
            Some(&t.walidata),
            json!({"decision": "return"}),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_note.json["error"]["field"], "note");
    app.post_json(
        &format!("{base}/2/review"),
        Some(&t.walidata),
        json!({"decision": "maybe"}),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let note = "Lengkapi definisi operasional pada metadata";
    app.post_json(
        &format!("{base}/2/review"),
        Some(&t.walidata),
        json!({"decision": "return", "note": note}),
    )
    .await
    .expect(StatusCode::OK);
    let seen = app
        .get(&format!("{base}/2"), Some(&t.produsen))
        .await
        .expect(StatusCode::OK);
    assert_eq!(seen.json["status"], "DITOLAK");
    assert_eq!(seen.json["status_note"], note);
    // Publishing needs an approval first.
    app.post_json(&format!("{base}/2/publish"), Some(&t.walidata), json!({}))
        .await
        .expect(StatusCode::CONFLICT);

    // Resubmitted, approved, published by the walidata only.
    app.post_json(
        &format!("{base}/2/submit"),
        Some(&t.produsen),
        json!({"note": "Sudah dilengkapi"}),
    )
    .await
    .expect(StatusCode::OK);
    let approved = app
        .post_json(
            &format!("{base}/2/review"),
            Some(&t.walidata),
            json!({"decision": "approve"}),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(approved.json["status"], "DISETUJUI");
    for token in [&t.produsen, &t.pembina] {
        app.post_json(&format!("{base}/2/publish"), Some(token), json!({}))
            .await
            .expect(StatusCode::FORBIDDEN);
    }
    let published = app
        .post_json(&format!("{base}/2/publish"), Some(&t.walidata), json!({}))
        .await
        .expect(StatusCode::OK);
    assert_eq!(published.json["status"], "DITAYANGKAN");
    assert!(published.json["published_at"].is_string());
    assert_eq!(published.json["clean_log"]["rows_written"], 3);
    app.post_json(&format!("{base}/2/publish"), Some(&t.walidata), json!({}))
        .await
        .expect(StatusCode::CONFLICT);

    // The public now sees the dataset and its published version only.
    let public = app
        .get(&format!("/api/v1/datasets/{slug}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(public.json["status"], "DITAYANGKAN");
    assert_eq!(
        public.json["links"]["data"],
        format!("http://satudata.test/datasets/{slug}/data.csv")
    );
    let versions = app.get(&base, None).await.expect(StatusCode::OK);
    let numbers: Vec<&Value> = versions.json["items"]
        .as_array()
        .map(|items| items.iter().map(|v| &v["number"]).collect())
        .unwrap_or_default();
    assert_eq!(numbers, [&json!(2)]);
    app.get(&format!("{base}/1"), None)
        .await
        .expect(StatusCode::NOT_FOUND);
    app.get(&format!("{base}/1/report"), None)
        .await
        .expect(StatusCode::NOT_FOUND);

    // The history: the OPD sees every step; the public sees the publication.
    let history = app
        .get(
            &format!("/api/v1/datasets/{slug}/history"),
            Some(&t.produsen),
        )
        .await
        .expect(StatusCode::OK);
    let steps: Vec<(String, Value, Value)> = history.json["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|e| {
                    (
                        e["action"].as_str().unwrap_or_default().to_owned(),
                        e["version"].clone(),
                        e["to"].clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let expected = [
        ("upload", 1, "DRAFT"),
        ("upload", 2, "DRAFT"),
        ("submit", 2, "MENUNGGU_PERSETUJUAN"),
        ("return", 2, "DITOLAK"),
        ("submit", 2, "MENUNGGU_PERSETUJUAN"),
        ("approve", 2, "DISETUJUI"),
        ("publish", 2, "DITAYANGKAN"),
    ]
    .map(|(a, v, s)| (a.to_owned(), json!(v), json!(s)));
    assert_eq!(steps, expected);
    let returned = &history.json["items"][3];
    assert_eq!(returned["note"], note);
    assert_eq!(returned["actor"], "walidata@mojokertokota.go.id");
    assert_eq!(returned["from"], "MENUNGGU_PERSETUJUAN");
    let public = app
        .get(&format!("/api/v1/datasets/{slug}/history"), None)
        .await
        .expect(StatusCode::OK);
    let actions: Vec<&Value> = public.json["items"]
        .as_array()
        .map(|items| items.iter().map(|e| &e["action"]).collect())
        .unwrap_or_default();
    assert_eq!(actions, [&json!("publish")]);
}

async fn data_prioritas_needs_the_pembina(app: TestApp) {
    let t = &app.tokens;
    let slug = app
        .dataset(
            json!({"title": "Angka Stunting", "organization": "dinkes", "prioritas_tahun": 2025}),
        )
        .await;
    let base = format!("/api/v1/datasets/{slug}/versions/1");
    app.upload(&slug, Some(&t.produsen), "text/csv", CLEAN)
        .await
        .expect(StatusCode::CREATED);
    app.post_json(&format!("{base}/submit"), Some(&t.produsen), json!({}))
        .await
        .expect(StatusCode::OK);
    let after_walidata = app
        .post_json(
            &format!("{base}/review"),
            Some(&t.walidata),
            json!({"decision": "approve"}),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(after_walidata.json["status"], "MENUNGGU_PERSETUJUAN");
    assert_eq!(after_walidata.json["walidata_approved"], true);
    assert_eq!(after_walidata.json["pembina_approved"], false);
    app.post_json(&format!("{base}/publish"), Some(&t.walidata), json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    let after_pembina = app
        .post_json(
            &format!("{base}/review"),
            Some(&t.pembina),
            json!({"decision": "approve", "note": "Sesuai Standar Data BPS"}),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(after_pembina.json["status"], "DISETUJUI");
    app.post_json(&format!("{base}/publish"), Some(&t.walidata), json!({}))
        .await
        .expect(StatusCode::OK);

    // A pembina reviews Data Prioritas only.
    let ordinary = app
        .dataset(json!({"title": "Jumlah Posyandu", "organization": "dinkes"}))
        .await;
    app.upload(&ordinary, Some(&t.produsen), "text/csv", CLEAN)
        .await
        .expect(StatusCode::CREATED);
    let base = format!("/api/v1/datasets/{ordinary}/versions/1");
    app.post_json(&format!("{base}/submit"), Some(&t.produsen), json!({}))
        .await
        .expect(StatusCode::OK);
    app.post_json(
        &format!("{base}/review"),
        Some(&t.pembina),
        json!({"decision": "approve"}),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
}

async fn withdrawn_datasets_answer_410_with_the_reason(app: TestApp) {
    let t = &app.tokens;
    let slug = app
        .dataset(json!({"title": "Data Lama", "organization": "dinkes"}))
        .await;
    app.publish(&slug, CLEAN).await;
    let path = format!("/api/v1/datasets/{slug}/unpublish");
    app.post_json(&path, Some(&t.produsen), json!({"reason": "x"}))
        .await
        .expect(StatusCode::FORBIDDEN);
    app.post_json(&path, Some(&t.walidata), json!({"reason": "  "}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let reason = "Digantikan oleh dataset baru";
    let withdrawn = app
        .post_json(&path, Some(&t.walidata), json!({"reason": reason}))
        .await
        .expect(StatusCode::OK);
    assert_eq!(withdrawn.json["status"], "TIDAK_DITAYANGKAN");
    assert_eq!(withdrawn.json["withdrawn_reason"], reason);
    app.post_json(&path, Some(&t.walidata), json!({"reason": reason}))
        .await
        .expect(StatusCode::CONFLICT);

    for uri in [
        format!("/api/v1/datasets/{slug}"),
        format!("/api/v1/datasets/{slug}/versions/1"),
        format!("/datasets/{slug}/data.csv"),
        format!("/datasets/{slug}/versions/1/data.json"),
    ] {
        let gone = app.get(&uri, None).await.expect(StatusCode::GONE);
        assert!(
            gone.json["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(reason)),
            "{uri}: {}",
            gone.json
        );
    }
    // Withdrawn datasets leave public listings; their OPD and the walidata still see them.
    let listed = app
        .get("/api/v1/datasets", None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(listed.json["total"], 0);
    app.get(&format!("/api/v1/datasets/{slug}"), Some(&t.produsen))
        .await
        .expect(StatusCode::OK);
    let version = app
        .get(
            &format!("/api/v1/datasets/{slug}/versions/1"),
            Some(&t.walidata),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(version.json["status"], "TIDAK_DITAYANGKAN");
    assert_eq!(version.json["status_note"], reason);

    // Publishing again brings it back, with the same files.
    app.post_json(
        &format!("/api/v1/datasets/{slug}/versions/1/publish"),
        Some(&t.walidata),
        json!({}),
    )
    .await
    .expect(StatusCode::OK);
    app.get(&format!("/datasets/{slug}/data.csv"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(app.count("distribution").await, 4);
}

async fn akses_decides_who_sees_a_published_dataset(app: TestApp) {
    let t = &app.tokens;
    let terbatas = app
        .dataset(json!({"title": "Data Terbatas", "organization": "dinkes", "akses": "Terbatas"}))
        .await;
    let tertutup = app
        .dataset(json!({"title": "Data Tertutup", "organization": "dinkes", "akses": "Tertutup"}))
        .await;
    app.publish(&terbatas, CLEAN).await;
    app.publish(&tertutup, CLEAN).await;
    // [anonymous, produsen (owner), other produsen, walidata, pembina]
    let callers = [
        None,
        Some(&t.produsen),
        Some(&t.other_produsen),
        Some(&t.walidata),
        Some(&t.pembina),
    ];
    for (slug, expected) in [
        (&terbatas, [404, 200, 200, 200, 200]),
        (&tertutup, [404, 200, 404, 200, 404]),
    ] {
        for (caller, want) in callers.iter().zip(expected) {
            for uri in [
                format!("/api/v1/datasets/{slug}"),
                format!("/datasets/{slug}/data.csv"),
            ] {
                let got = app.get(&uri, caller.map(String::as_str)).await;
                assert_eq!(got.status.as_u16(), want, "{uri} as {caller:?}");
            }
        }
    }
    let listed = app
        .get("/api/v1/datasets", Some(&t.other_produsen))
        .await
        .expect(StatusCode::OK);
    assert_eq!(listed.json["total"], 1);
    let anonymous = app
        .get("/api/v1/datasets", None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(anonymous.json["total"], 0);
    // A page cached for a signed-in reader is never served to the public.
    let data = format!("/api/v1/datasets/{terbatas}/data");
    app.get(&data, Some(&t.other_produsen))
        .await
        .expect(StatusCode::OK);
    app.get(&data, None).await.expect(StatusCode::NOT_FOUND);
    // Closed data is private to caches too.
    let csv = app
        .get(&format!("/datasets/{terbatas}/data.csv"), Some(&t.walidata))
        .await
        .expect(StatusCode::OK);
    assert_eq!(csv.headers["cache-control"], "private, no-cache");
}

async fn metadata_edits_are_in_the_history(app: TestApp) {
    let t = &app.tokens;
    let slug = app
        .dataset(json!({"title": "Jumlah Guru", "organization": "dinkes", "satuan": "Orang"}))
        .await;
    app.patch_json(
        &format!("/api/v1/datasets/{slug}"),
        Some(&t.produsen),
        json!({"satuan": "Jiwa", "tags": ["guru"]}),
    )
    .await
    .expect(StatusCode::OK);
    // A change that changes nothing is not history.
    app.patch_json(
        &format!("/api/v1/datasets/{slug}"),
        Some(&t.produsen),
        json!({"satuan": "Jiwa"}),
    )
    .await
    .expect(StatusCode::OK);
    let history = app
        .get(
            &format!("/api/v1/datasets/{slug}/history"),
            Some(&t.walidata),
        )
        .await
        .expect(StatusCode::OK);
    let items = history.json["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(items.len(), 1, "{}", history.json);
    assert_eq!(items[0]["action"], "metadata");
    assert_eq!(
        items[0]["changes"],
        json!({"satuan": {"from": "Orang", "to": "Jiwa"}, "tags": {"from": [], "to": ["guru"]}})
    );
    assert_eq!(items[0]["actor"], "produsen@dinkes.go.id");
}
