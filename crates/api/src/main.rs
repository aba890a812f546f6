//! The `satudata` binary: the service and the operator's commands.

use std::process::ExitCode;

use clap::Parser;
use satudata_api::Config;
use satudata_api::cli::{Cli, Command, run};

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
    if let Command::Healthcheck(args) = &cli.command {
        return healthcheck(&config, args);
    }
    satudata_api::logging::init(&config);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("satudata: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli.command, config));
    // A validation still running on a blocking thread must not hold the exit up.
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    match result {
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

/// `satudata healthcheck`: one line on standard output or error, exit status 0 or 1.
fn healthcheck(config: &Config, args: &satudata_api::healthcheck::HealthcheckArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("satudata: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(satudata_api::healthcheck::check(config.listen, args)) {
        Ok(status) => {
            println!("{status}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("satudata: not healthy: {why}");
            ExitCode::FAILURE
        }
    }
}
