//! What the OpenAPI document says that the handlers' annotations would otherwise repeat on every
//! route: errors are `application/problem+json`; every route that needs a token can answer 401
//! and 403; every route that takes parameters or a body can answer 400 and 422; originals come in
//! their own media types. Applied once to the assembled document, so a new route gets it too.

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{OpenApi, Ref, RefOr, Response, ResponseBuilder};

const PROBLEM: &str = "application/problem+json";

fn problem(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                PROBLEM,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build(),
    )
}

/// Completes the document (see the module's doc).
pub fn complete(api: &mut OpenApi) {
    for (path, item) in api.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            complete_operation(path, operation);
        }
    }
}

fn complete_operation(path: &str, operation: &mut Operation) {
    let responses = &mut operation.responses.responses;
    for (status, response) in responses.iter_mut() {
        if status.starts_with('4') || status.starts_with('5') {
            if let RefOr::T(response) = response {
                if let Some(content) = response.content.shift_remove("application/json") {
                    response.content.insert(PROBLEM.to_string(), content);
                }
            }
        }
    }
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let takes_input = operation.parameters.as_ref().is_some_and(|p| !p.is_empty())
        || operation.request_body.is_some();
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_string())
            .or_insert_with(|| problem(description));
    };
    if secured {
        add(
            "401",
            "Not signed in: no token, or an unknown or expired one",
        );
        add("403", "The caller's role may not do this");
    }
    if takes_input {
        add("400", "A request that cannot be read");
        add(
            "422",
            "A parameter or field breaks a rule (each field and rule named)",
        );
    }
    if path.ends_with("/content") {
        for status in ["200", "206"] {
            if let Some(RefOr::T(response)) = responses.get_mut(status) {
                response.content.clear();
                for media in ["application/pdf", "image/png", "image/jpeg", "image/tiff"] {
                    let binary = ObjectBuilder::new()
                        .schema_type(Type::String)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
                        .build();
                    response.content.insert(
                        media.to_string(),
                        ContentBuilder::new().schema(Some(binary)).build(),
                    );
                }
            }
        }
    }
}
