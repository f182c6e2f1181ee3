//! Sections that are not built yet say so plainly, with what they will hold, instead of pretending.

use leptos::prelude::*;

use crate::viz::route::Route;

fn plan(route: Route) -> &'static str {
    match route {
        Route::Firehose => "Delivery streams with buffering, transforms, dynamic partitioning, Parquet conversion, \
            compression and destinations (S3, Redshift, OpenSearch, HTTP, Splunk), with the files they write.",
        Route::Analytics => "Managed Apache Flink and the legacy SQL applications: windows, watermarks and outputs \
            over a live stream.",
        Route::Video => "Kinesis Video Streams: fragments, retention, HLS/DASH playback sessions and GetMedia.",
        Route::Labs => "Guided labs with live goal checks and scores: shard math, resharding lineage, Streams vs \
            Firehose, retention and fan-out pricing, and more.",
        Route::Exam => "Exam-style scenarios for DEA-C01, MLA-C01 and the retired MLS-C01, in study and timed modes.",
        Route::Notes => "The study notes' claims, each marked current, outdated or wrong, linked to labs and scenarios.",
        Route::Streams | Route::Pricing => "",
    }
}

#[component]
pub fn Coming(route: Route) -> impl IntoView {
    view! {
        <h1>{route.title()}</h1>
        <section class="panel not-built" data-testid="not-built">
            <h2>"Not built yet"</h2>
            <p>"This part of Kinesis Lab does not exist yet, so there is nothing here to try. It will hold: "{plan(route)}</p>
            <p><a href="#/streams">"Go to the Data Streams sandbox"</a>", which works today."</p>
        </section>
    }
}
