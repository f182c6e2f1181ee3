//! The sandbox terminal: `aws kinesis <operation>` with the AWS CLI's option names and output.
