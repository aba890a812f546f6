//! The dataset page's table and chart: paged on the server through the data API, sorted and
//! filtered by column, with a chart whose defaults follow the column roles.

use axum::http::StatusCode;

use super::{browse, excerpt, html, seed};
use crate::support::{TestApp, twin};

twin!(preview_pages_sorts_filters_and_charts);
twin!(chart_defaults_fit_the_measure_and_the_period);

/// The rows of the preview table as text cells (row number first).
fn rows(html: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find("id=\"pratinjau-caption\"") else {
        return Vec::new();
    };
    let body = &html[start..];
    let body =
        &body[body.find("<tbody>").unwrap_or(0)..body.find("</tbody>").unwrap_or(body.len())];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("</t")
                .filter_map(|cell| cell.rsplit('>').next())
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect()
}

async fn preview_pages_sorts_filters_and_charts(app: TestApp) {
    let s = seed(&app).await;
    let base = format!("/dataset/{}", s.public);
    let page = html(browse(&app, &base, None).await, StatusCode::OK, &base);
    let all = rows(&page.html);
    assert_eq!(all.len(), 7, "{all:?}");
    // Numbers in Indonesian form, years and codes as they are.
    assert!(
        all.iter().any(|r| r.contains(&"1.310".to_owned())),
        "{all:?}"
    );
    assert!(all.iter().any(|r| r.contains(&"2024".to_owned())));
    assert!(all.iter().any(|r| r.contains(&"35.76.03".to_owned())));
    // Sorted by jumlah, descending: the largest first; the column says so.
    let sorted = browse(&app, &format!("{base}?sort=-jumlah"), None)
        .await
        .html;
    assert_eq!(rows(&sorted)[0][4], "1.310", "{:?}", rows(&sorted));
    assert!(sorted.contains("aria-sort=\"descending\""));
    // Filtered on a year range and a name.
    let filtered = browse(
        &app,
        &format!("{base}?filter%5Btahun%5D%5Bgte%5D=2024"),
        None,
    )
    .await
    .html;
    assert_eq!(rows(&filtered).len(), 3, "{:?}", rows(&filtered));
    // The chip names the column as the filter form labels it, not by its code.
    assert!(filtered.contains("Tahun ≥ 2024"), "{}", excerpt(&filtered));
    assert!(
        filtered.contains("Baris 1–3 dari 3 yang cocok (seluruh tabel: 7 baris)"),
        "{}",
        excerpt(&filtered)
    );
    let named = browse(
        &app,
        &format!("{base}?filter%5Bnama_kecamatan%5D=Magersari"),
        None,
    )
    .await
    .html;
    assert_eq!(rows(&named).len(), 2);
    // The form has no field for an exact text (a shared URL's): applying the form keeps it
    // as a hidden field; a filter the form shows is not sent twice.
    let hidden = |html: &str, name: &str, value: &str| {
        let start = html.find("class=\"filter-grid\"").expect("the filter form");
        let form = &html[start..];
        let form = &form[..form.find("</form>").expect("the filter form's end")];
        form.contains(&format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{value}\">"
        ))
    };
    assert!(
        hidden(&named, "filter[nama_kecamatan]", "Magersari"),
        "{}",
        excerpt(&named)
    );
    assert!(!hidden(&filtered, "filter[tahun][gte]", "2024"));
    // A range column has no text field either.
    let searched = browse(
        &app,
        &format!("{base}?filter%5Btahun%5D%5Bcontains%5D=202"),
        None,
    )
    .await
    .html;
    assert!(hidden(&searched, "filter[tahun][contains]", "202"));
    // The form's text fields look for the text in the cells, ignoring case; the CKAN
    // equivalent puts it in `q`.
    let part = browse(
        &app,
        &format!("{base}?filter%5Bnama_kecamatan%5D%5Bcontains%5D=gersa"),
        None,
    )
    .await
    .html;
    assert_eq!(rows(&part).len(), 2, "{:?}", rows(&part));
    assert!(part.contains("name=\"filter[nama_kecamatan][contains]\" value=\"gersa\""));
    assert!(
        part.contains("Nama kecamatan berisi gersa"),
        "{}",
        excerpt(&part)
    );
    assert!(
        part.contains("q=%7B%22nama_kecamatan%22%3A%22gersa%22%7D"),
        "CKAN q: {}",
        excerpt(&part)
    );
    // Empty form fields and unknown columns are ignored, not errors.
    let empty = browse(
        &app,
        &format!("{base}?filter%5Bjumlah%5D%5Bgte%5D=&filter%5Bnope%5D=1&sort=nope"),
        None,
    )
    .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(rows(&empty.html).len(), 7);
    // The API box and the export follow the table.
    assert!(
        filtered.contains("http://satudata.test/api/v1/datasets/"),
        "absolute API URL"
    );
    assert!(
        filtered.contains("filter%5Btahun%5D%5Bgte%5D=2024&amp;limit=25"),
        "{}",
        excerpt(&filtered)
    );
    assert!(filtered.contains("format=csv&amp;limit=all"));
    assert!(
        filtered.contains("filters=%7B%22tahun%22%3A%7B%22gte%22%3A%222024%22%7D%7D"),
        "CKAN filters"
    );
    // The chart: tahun makes a line by default; region names make bars.
    assert!(
        page.html.contains("chart__svg--garis"),
        "{}",
        excerpt(&page.html)
    );
    assert!(
        page.html.contains("Total jumlah menurut tahun"),
        "{}",
        excerpt(&page.html)
    );
    let bars = browse(&app, &format!("{base}?x=nama_kecamatan"), None)
        .await
        .html;
    assert!(bars.contains("chart__svg--batang"));
    // The chart's choices name the columns as a person reads them.
    assert!(
        bars.contains("<option value=\"nama_kecamatan\" selected>Nama kecamatan</option>"),
        "{}",
        excerpt(&bars)
    );
    // Indonesian titles on an English page are marked as such.
    let english = browse(&app, "/en/dataset", None).await.html;
    assert!(
        english.contains("class=\"card__title\" lang=\"id\""),
        "{}",
        excerpt(&english)
    );
    let indonesian = browse(&app, "/dataset", None).await.html;
    assert!(
        indonesian.contains("class=\"card__title\"><a"),
        "{}",
        excerpt(&indonesian)
    );
    assert!(!indonesian.contains("card__title\" lang="));
    assert!(
        bars.contains("<th scope=\"row\">Kranggan</th><td class=\"num\">2.615</td>"),
        "{}",
        excerpt(&bars)
    );
    let mean = browse(
        &app,
        &format!("{base}?x=nama_kecamatan&agg=mean&filter%5Btahun%5D=2022"),
        None,
    )
    .await
    .html;
    assert!(mean.contains("Rata-rata jumlah menurut nama kecamatan"));
    assert!(
        mean.contains("<td class=\"num\">105</td>"),
        "{}",
        excerpt(&mean)
    );
    // The second page of a longer table.
    let long: String = std::iter::once("kecamatan,jumlah,tahun\n".to_owned())
        .chain((0..60).map(|i| format!("K{i:02},{i},2024\n")))
        .collect();
    let slug = app
        .dataset(serde_json::json!({"title": "Tabel Panjang", "organization": "dinkes"}))
        .await;
    app.publish(&slug, long.as_bytes()).await;
    let second = browse(&app, &format!("/dataset/{slug}?hal=2"), None)
        .await
        .html;
    assert!(
        second.contains("Baris 26–50 dari 60"),
        "{}",
        excerpt(&second)
    );
    assert_eq!(rows(&second)[0][0], "26");
    assert!(second.contains("rel=\"next\""));
    let last = browse(&app, &format!("/dataset/{slug}?hal=3"), None)
        .await
        .html;
    assert_eq!(rows(&last).len(), 10);
}

/// A percentage is charted as a mean, not a total; one year of months is charted over the
/// months (named), not as a single point for the year.
async fn chart_defaults_fit_the_measure_and_the_period(app: TestApp) {
    let slug = app
        .dataset(
            serde_json::json!({"title": "Capaian Imunisasi Bulanan", "organization": "dinkes"}),
        )
        .await;
    let mut csv = String::from("tahun,bulan,persentase_capaian,jumlah_bayi\n");
    for month in 1..=12 {
        let share = if month == 12 {
            "92.25".to_owned()
        } else {
            format!("{}.5", 80 + month)
        };
        csv.push_str(&format!("2024,{month},{share},{}\n", 100 + month));
    }
    app.publish(&slug, csv.as_bytes()).await;
    let base = format!("/dataset/{slug}");
    let page = html(browse(&app, &base, None).await, StatusCode::OK, &base);
    assert!(
        page.html
            .contains("Rata-rata persentase capaian menurut bulan"),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("chart__svg--garis"));
    // Its table's headers read like the form and the title, not like column names.
    assert!(
        page.html.contains("<th scope=\"col\">Bulan</th><th scope=\"col\" class=\"num\">Rata-rata persentase capaian</th>"),
        "{}",
        excerpt(&page.html)
    );
    // The chart's table names the months; the mean of one value per month is itself.
    for (month, value) in [("Jan", "81,5"), ("Agu", "88,5"), ("Des", "92,25")] {
        let row = format!("<tr><th scope=\"row\">{month}</th><td class=\"num\">{value}</td></tr>");
        assert!(page.html.contains(&row), "{row}: {}", excerpt(&page.html));
    }
    // The table's percentages line up: as many decimals as the most precise one shows.
    for value in ["81,50", "88,50", "92,25"] {
        assert!(
            page.html.contains(&format!(">{value}</td>")),
            "{value}: {}",
            excerpt(&page.html)
        );
    }
    // A count is still a total, and an x asked for is kept even when it is a single point.
    let asked = format!("{base}?y=jumlah_bayi&x=tahun");
    let totals = html(browse(&app, &asked, None).await, StatusCode::OK, &asked);
    assert!(
        totals.html.contains("Total jumlah bayi menurut tahun"),
        "{}",
        excerpt(&totals.html)
    );
    assert!(
        totals
            .html
            .contains("<th scope=\"row\">2024</th><td class=\"num\">1.278</td>"),
        "the year's total of 101 … 112: {}",
        excerpt(&totals.html)
    );
    // Month names are words, not an order: the chart stays on the year rather than sort
    // Agustus before Januari.
    let named = app
        .dataset(serde_json::json!({"title": "Kunjungan Perpustakaan Bulanan", "organization": "dinkes"}))
        .await;
    app.publish(
        &named,
        b"tahun,bulan,jumlah\n2024,Januari,10\n2024,Februari,12\n2024,Agustus,9\n",
    )
    .await;
    let named = format!("/dataset/{named}");
    let page = html(browse(&app, &named, None).await, StatusCode::OK, &named);
    assert!(
        page.html.contains("Total jumlah menurut tahun"),
        "{}",
        excerpt(&page.html)
    );
    let english = format!("/en{base}");
    let english = html(browse(&app, &english, None).await, StatusCode::OK, &english);
    assert!(
        english.html.contains("<th scope=\"row\">Dec</th>"),
        "{}",
        excerpt(&english.html)
    );
}
