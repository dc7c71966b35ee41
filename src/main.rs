use std::process::ExitCode;

fn main() -> ExitCode {
    // Before anything else, while chg has a single thread.
    chg::git::Repo::limit_pack_memory();
    let cli = chg::cli::parse();
    match chg::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) if chg::error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // Errors quote file names and record text: each line is made safe.
            chg::render::eprint(&format!("error: {err}"));
            for cause in err.chain().skip(1) {
                chg::render::eprint(&format!("  caused by: {cause}"));
            }
            ExitCode::from(chg::error::exit_code(&err))
        }
    }
}
