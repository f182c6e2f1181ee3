//! The services the terminal answers as `aws <command>`: each one's command name (botocore's service
//! name), AWS's title for it, its model and its help prose. Completion and help list them from here.

use super::names::{docs_for, op_table_in, operation_cli_names_in, operation_for_cli_in, Docs, OpTable};
use crate::api::model::{self, ServiceModel};

/// One service of the terminal.
pub struct CliService {
    /// The word after `aws`: `kinesis`, `firehose`.
    pub command: &'static str,
    /// AWS's name for the service, for `aws help`.
    pub title: &'static str,
    model: fn() -> &'static ServiceModel,
}

/// Amazon Kinesis Data Streams (`aws kinesis`).
pub const KINESIS: CliService =
    CliService { command: "kinesis", title: "Amazon Kinesis Data Streams", model: model::kinesis };

/// Amazon Data Firehose (`aws firehose`; the model's `<fullname>`).
pub const FIREHOSE: CliService = CliService { command: "firehose", title: "Amazon Data Firehose", model: model::firehose };

/// Every service, in the alphabetical order the CLI lists commands in.
pub const SERVICES: &[&CliService] = &[&FIREHOSE, &KINESIS];

/// The service an `aws <command>` word names.
pub fn by_command(command: &str) -> Option<&'static CliService> {
    SERVICES.iter().copied().find(|s| s.command == command)
}

impl CliService {
    pub fn model(&self) -> &'static ServiceModel {
        (self.model)()
    }

    pub fn docs(&self) -> &'static Docs {
        docs_for(self.model())
    }

    /// Every operation's CLI name, sorted.
    pub fn operation_cli_names(&self) -> Vec<String> {
        operation_cli_names_in(self.model())
    }

    /// The API name of a CLI operation name (`put-record-batch` → `PutRecordBatch`).
    pub fn operation_for_cli(&self, cli_name: &str) -> Option<String> {
        operation_for_cli_in(self.model(), cli_name)
    }

    /// The argument table of one operation (API name).
    pub fn op_table(&self, operation: &str) -> Option<OpTable> {
        op_table_in(self.model(), operation)
    }
}
