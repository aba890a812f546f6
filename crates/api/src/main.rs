//! The `satudata` binary: the service and the operator's commands.

use std::process::ExitCode;

use clap::Parser;
use satudata_api::Config;
use satudata_api::cli::{Cli, Command, run};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Validate(args) = &cli.command {
        let (stdout, code) = satudata_api::validate_cli::run(args);
        print!("{stdout}");
        return ExitCode::from(code);
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("satudata: {e}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("satudata: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(stdout) => {
            if !stdout.is_empty() {
                println!("{stdout}");
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("satudata: {message}");
            ExitCode::FAILURE
        }
    }
}
