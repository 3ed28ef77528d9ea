// placeholder: replaced by the OpenAPI generator
