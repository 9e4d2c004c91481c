//! One type for the documented errors of the eight ThousandEyes operations, which document the same
//! statuses with the same bodies, so tests that go over every operation can compare them in one place.
//! The generated crate gives each operation an error enum of its own (`GetUsageError`, …), so that one
//! operation's documented errors can change without touching the others'.

use usage_client::runtime::Documented;
use usage_client::thousandeyes::types;

/// The documented errors of any of the eight operations, by status.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorBody {
    BadRequest(types::ValidationError),
    Unauthorized(types::UnauthorizedError),
    Forbidden(types::Error),
    NotFound(types::Error),
    TooManyRequests(types::Error),
    InternalServerError(types::Error),
}

macro_rules! from_operation_errors {
    ($($operation:ident),* $(,)?) => {$(
        impl From<types::$operation> for ErrorBody {
            fn from(error: types::$operation) -> Self {
                match error {
                    types::$operation::BadRequest(body) => ErrorBody::BadRequest(body),
                    types::$operation::Unauthorized(body) => ErrorBody::Unauthorized(body),
                    types::$operation::Forbidden(body) => ErrorBody::Forbidden(body),
                    types::$operation::NotFound(body) => ErrorBody::NotFound(body),
                    types::$operation::TooManyRequests(body) => ErrorBody::TooManyRequests(body),
                    types::$operation::InternalServerError(body) => ErrorBody::InternalServerError(body),
                    other => panic!("a status the document does not give every operation: {other:?}"),
                }
            }
        }
    )*};
}

from_operation_errors!(
    GetUsageError,
    GetEnterpriseAgentsUnitsUsageError,
    GetTestsUnitsUsageError,
    GetQuotasError,
    AssignOrganizationsQuotasError,
    UnassignOrganizationsQuotasError,
    AssignOrganizationsAccountGroupsQuotasError,
    UnassignOrganizationsAccountGroupsQuotasError,
);

/// The descriptions are those the document gives each status; the eight operations share them (their
/// responses are the same components), so `GetUsageError`'s stand for all.
impl Documented for ErrorBody {
    fn description(&self) -> &'static str {
        let same = match self.clone() {
            ErrorBody::BadRequest(body) => types::GetUsageError::BadRequest(body),
            ErrorBody::Unauthorized(body) => types::GetUsageError::Unauthorized(body),
            ErrorBody::Forbidden(body) => types::GetUsageError::Forbidden(body),
            ErrorBody::NotFound(body) => types::GetUsageError::NotFound(body),
            ErrorBody::TooManyRequests(body) => types::GetUsageError::TooManyRequests(body),
            ErrorBody::InternalServerError(body) => types::GetUsageError::InternalServerError(body),
        };
        same.description()
    }
}
