/// Whose fault an error is. The CLI maps it to an exit code and the server to an HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The user's input (a file, an argument, the project file) is wrong; the message says how
    /// to fix it.
    Input,
    /// The operating system refused something (a missing file, a full disk, a permission).
    Io,
    /// A bug in cible: the message says so and should be reported.
    Internal,
}
