//! The OpenAPI 3.0 document of the service, written by hand and served at `/openapi.json`.
//! The integration tests check that every route of the router is in it.

use serde_json::{json, Value as Json};

/// Every route as `(method, path)`, in the router's order.
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/decider/{ruleset}"),
    ("post", "/decider/{ruleset}/lot"),
    ("get", "/regles/{ruleset}"),
    ("get", "/schema/{ruleset}"),
    ("get", "/sante"),
    ("get", "/openapi.json"),
];

fn error_response(description: &str) -> Json {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Erreur" } } }
    })
}

fn ruleset_parameter() -> Json {
    json!({
        "name": "ruleset", "in": "path", "required": true,
        "description": "Nom du jeu de règles (`val-doise`), voir /sante.",
        "schema": { "type": "string" }
    })
}

fn decide_parameters() -> Json {
    json!([
        ruleset_parameter(),
        { "name": "date", "in": "query", "required": false,
          "description": "Date de décision AAAA-MM-JJ (par défaut : `date_demande` du dossier).",
          "schema": { "type": "string", "format": "date" } },
        { "name": "explication", "in": "query", "required": false,
          "description": "Ajoute la trace de chaque dispositif.",
          "schema": { "type": "boolean", "default": false } },
        { "name": "dispositif", "in": "query", "required": false,
          "description": "Ne décide que ces dispositifs (répétable, ou séparés par des virgules).",
          "style": "form", "explode": true,
          "schema": { "type": "array", "items": { "type": "string" } } },
        { "name": "strict", "in": "query", "required": false,
          "description": "Un champ du dossier inconnu du jeu de règles est une erreur (comme `socle decide --strict`) au lieu d'un avertissement.",
          "schema": { "type": "boolean", "default": false } }
    ])
}

/// The document.
pub fn document() -> Json {
    let not_found = error_response("Jeu de règles inconnu (`jeu_de_regles_inconnu`).");
    let bad = error_response("JSON mal formé, texte non UTF-8 ou paramètre invalide.");
    let decision_schema = json!({ "$ref": "#/components/schemas/Decision" });
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "socle serve",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Décision de dossiers d'aide sociale aux personnes âgées avec les jeux de règles Socle (docs/CONTRACT.md)."
        },
        "paths": {
            "/decider/{ruleset}": { "post": {
                "summary": "Décide un dossier (la décision de `socle decide`).",
                "parameters": decide_parameters(),
                "requestBody": { "required": true, "content": { "application/json": {
                    "schema": { "type": "object", "description": "Le dossier ; voir /schema/{ruleset}." } } } },
                "responses": {
                    "200": { "description": "La décision.", "content": { "application/json": { "schema": decision_schema } } },
                    "400": bad,
                    "404": not_found,
                    "413": error_response("Dossier plus grand que la taille maximale (`dossier_trop_grand`)."),
                    "422": error_response("Dossier invalide (`dossier_invalide`) ou non décidable (`evaluation_impossible`)."),
                    "500": error_response("Erreur interne."),
                    "503": error_response("Délai de la requête dépassé (`delai_depasse`).")
                }
            } },
            "/decider/{ruleset}/lot": { "post": {
                "summary": "Décide un lot JSON Lines : une ligne de résultat par ligne lue, dans l'ordre, avec son numéro `ligne` (comme `socle batch`).",
                "parameters": decide_parameters(),
                "requestBody": { "required": true, "content": { "application/x-ndjson": {
                    "schema": { "type": "string", "description": "Un dossier JSON par ligne." } } } },
                "responses": {
                    "200": { "description": "Une ligne JSON par ligne lue : la décision précédée de `ligne`, ou `{\"ligne\", \"erreur\", \"detail\"}`.",
                             "content": { "application/x-ndjson": { "schema": { "type": "string" } } } },
                    "400": bad,
                    "404": not_found
                }
            } },
            "/regles/{ruleset}": { "get": {
                "summary": "Les dispositifs, paramètres et barèmes du jeu de règles, avec leurs versions datées.",
                "parameters": [ruleset_parameter()],
                "responses": {
                    "200": { "description": "Description du jeu de règles.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Regles" } } } },
                    "404": not_found
                }
            } },
            "/schema/{ruleset}": { "get": {
                "summary": "Le schéma JSON (draft 2020-12) du dossier que lit le jeu de règles (`socle schema`).",
                "parameters": [ruleset_parameter()],
                "responses": {
                    "200": { "description": "Schéma JSON.", "content": { "application/json": { "schema": { "type": "object" } } } },
                    "404": not_found
                }
            } },
            "/sante": { "get": {
                "summary": "État du service et jeux de règles en service.",
                "responses": { "200": { "description": "Le service répond.", "content": { "application/json": { "schema": {
                    "type": "object", "required": ["statut", "jeux_de_regles"],
                    "properties": { "statut": { "type": "string", "enum": ["ok"] },
                                    "jeux_de_regles": { "type": "array", "items": { "type": "string" } } } } } } } }
            } },
            "/openapi.json": { "get": {
                "summary": "Ce document.",
                "responses": { "200": { "description": "Document OpenAPI 3.", "content": { "application/json": { "schema": { "type": "object" } } } } }
            } }
        },
        "components": { "schemas": {
            "Erreur": {
                "type": "object", "required": ["erreur"],
                "properties": { "erreur": {
                    "type": "object", "required": ["type", "message"],
                    "properties": {
                        "type": { "type": "string", "description": "dossier_invalide, evaluation_impossible, jeu_de_regles_inconnu, parametre_invalide, dossier_trop_grand, encodage_invalide, delai_depasse, route_inconnue, erreur_interne" },
                        "message": { "type": "string", "description": "Message en français." },
                        "chemin": { "type": "string" }, "attendu": { "type": "string" }, "trouve": { "type": "string" }
                    } } }
            },
            "Decision": {
                "type": "object", "required": ["ruleset", "date", "dispositifs"],
                "properties": {
                    "ruleset": { "type": "string" },
                    "date": { "type": "string", "format": "date" },
                    "dispositifs": { "type": "object", "additionalProperties": {
                        "type": "object", "required": ["eligible", "valeurs", "motifs"],
                        "properties": {
                            "eligible": { "type": "boolean" },
                            "valeurs": { "type": "object" },
                            "motifs": { "type": "array", "items": { "type": "object",
                                "required": ["id", "satisfaite", "message"],
                                "properties": { "id": { "type": "string" }, "satisfaite": { "type": "boolean" }, "message": { "type": "string" } } } },
                            "erreur": { "type": "string" },
                            "trace": { "type": "array", "items": { "type": "object" } }
                        } } }
                }
            },
            "Regles": {
                "type": "object", "required": ["jeu_de_regles", "dispositifs", "parametres", "baremes"],
                "properties": {
                    "jeu_de_regles": { "type": "string" },
                    "dispositifs": { "type": "array", "items": { "type": "object", "properties": {
                        "id": { "type": "string" }, "titre": { "type": "string", "nullable": true },
                        "conditions": { "type": "array", "items": { "type": "string" } },
                        "valeurs": { "type": "array", "items": { "type": "string" } } } } },
                    "parametres": { "type": "array", "items": { "$ref": "#/components/schemas/Versionne" } },
                    "baremes": { "type": "array", "items": { "$ref": "#/components/schemas/Versionne" } }
                }
            },
            "Versionne": {
                "type": "object", "properties": {
                    "nom": { "type": "string" },
                    "versions": { "type": "array", "items": { "type": "object", "properties": {
                        "a_partir_du": { "type": "string", "format": "date" },
                        "jusqu_au": { "type": "string", "format": "date", "nullable": true },
                        "valeur": {}, "tranches": { "type": "array", "items": { "type": "object" } } } } }
                }
            }
        } }
    })
}
