//! The app's routes, kept in the URL's fragment (`#/streams`) so the static site works from any host and
//! sub-path, and a link or a reload lands on the same section.

/// Every section of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Streams,
    Firehose,
    Analytics,
    Video,
    Labs,
    Exam,
    Notes,
    Pricing,
}

impl Route {
    pub const ALL: [Route; 8] = [
        Route::Streams,
        Route::Firehose,
        Route::Analytics,
        Route::Video,
        Route::Labs,
        Route::Exam,
        Route::Notes,
        Route::Pricing,
    ];

    /// The fragment path, e.g. `/streams`.
    pub fn path(self) -> &'static str {
        match self {
            Route::Streams => "/streams",
            Route::Firehose => "/firehose",
            Route::Analytics => "/analytics",
            Route::Video => "/video",
            Route::Labs => "/labs",
            Route::Exam => "/exam",
            Route::Notes => "/notes",
            Route::Pricing => "/pricing",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Route::Streams => "Data Streams",
            Route::Firehose => "Firehose",
            Route::Analytics => "Analytics",
            Route::Video => "Video Streams",
            Route::Labs => "Labs",
            Route::Exam => "Exam practice",
            Route::Notes => "Study notes",
            Route::Pricing => "Cost calculator",
        }
    }

    /// Sandbox sections sit under one heading in the navigation.
    pub fn is_sandbox(self) -> bool {
        matches!(self, Route::Streams | Route::Firehose | Route::Analytics | Route::Video)
    }

    /// Whether the section exists today (the others show a "not built yet" page): what a link that promises
    /// "prove it" may point to.
    pub fn is_built(self) -> bool {
        matches!(self, Route::Streams | Route::Firehose | Route::Exam)
    }

    /// Reads a location hash (`#/streams`, `#/streams?x=1`, `` or junk). Unknown paths fall back to the
    /// Streams sandbox rather than a blank page.
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#');
        let path = path.split(['?', '#']).next().unwrap_or("");
        let path = path.trim_end_matches('/');
        Route::ALL.into_iter().find(|r| r.path() == path).unwrap_or(Route::Streams)
    }
}

/// The value of `key` in a location hash's query (`#/firehose?source=orders` → `orders`): how another
/// section opens this one with something chosen. Values are stream names (`[a-zA-Z0-9_.-]`), so no
/// percent-decoding is needed; anything else is refused.
pub fn query_param(hash: &str, key: &str) -> Option<String> {
    let (_, query) = hash.split_once('?')?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_params_name_a_stream() {
        assert_eq!(query_param("#/firehose?source=orders-1", "source").as_deref(), Some("orders-1"));
        assert_eq!(query_param("#/firehose?x=1&source=a.b", "source").as_deref(), Some("a.b"));
        assert_eq!(query_param("#/firehose", "source"), None);
        assert_eq!(query_param("#/firehose?source=", "source"), None);
        assert_eq!(query_param("#/firehose?source=<script>", "source"), None);
        assert_eq!(Route::from_hash("#/firehose?source=orders"), Route::Firehose);
    }

    #[test]
    fn every_route_round_trips_through_its_hash() {
        for r in Route::ALL {
            assert_eq!(Route::from_hash(&format!("#{}", r.path())), r);
            assert_eq!(Route::from_hash(&format!("#{}/?tab=2", r.path())), r);
        }
    }

    #[test]
    fn unknown_or_empty_hashes_open_the_streams_sandbox() {
        for h in ["", "#", "#/", "#/nope", "garbage", "#/labs-x"] {
            assert_eq!(Route::from_hash(h), Route::Streams, "{h}");
        }
    }
}
