//! Every chart of the book is drawn from its data: a chart whose data is missing, or whose
//! picture is not what its data draws now, fails here (`just charts` measures and draws;
//! `cargo run -p charts -- draw` draws from the committed data).

use std::path::Path;

#[test]
fn every_chart_has_data_and_a_picture_drawn_from_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("the repository's root");
    for chart in charts::charts() {
        let data = root.join("docs/data").join(format!("{}.csv", chart.name));
        let data = std::fs::read_to_string(&data)
            .unwrap_or_else(|e| panic!("{}: {e}: run `just charts`", data.display()));
        let points = charts::from_csv(&data).expect("the data reads");
        assert!(!points.is_empty(), "{} has no data", chart.name);
        let picture = root.join("docs/src/pictures").join(format!("{}.svg", chart.name));
        let committed = std::fs::read_to_string(&picture)
            .unwrap_or_else(|e| panic!("{}: {e}: run `cargo run -p charts -- draw`", picture.display()));
        let drawn = charts::draw(&chart, &points).expect("it draws");
        assert!(committed == drawn, "{} is stale: run `cargo run -p charts -- draw`", picture.display());
    }
}
