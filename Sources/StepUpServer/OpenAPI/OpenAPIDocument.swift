// The OpenAPI 3.1 document of StepUp's JSON API, served at `/openapi.json`. Edit the JSON here; the tests check it
// against the router (every route documented, every documented route served) and with openapi-spec-validator.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "StepUp API",
    "version": "1",
    "description": "The JSON API of StepUp, a step-up authentication server: sign-in, decisions, step-up challenges, factors and devices; plus health, readiness and metrics. Errors are application/problem+json (RFC 9457). Sign in with POST /v1/sessions and send the token as 'Authorization: Bearer <token>'."
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "security": [
    {
      "bearer": []
    }
  ],
  "tags": [
    {
      "name": "api",
      "description": "The JSON API"
    },
    {
      "name": "operations",
      "description": "Health and metrics"
    }
  ],
  "paths": {
    "/v1/sessions": {
      "post": {
        "operationId": "signIn",
        "summary": "Sign in with username and password (and a code or device proof when needed)",
        "tags": [
          "api"
        ],
        "responses": {
          "201": {
            "description": "Signed in (a pending sign-in carries step_up)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/LoginResult"
                }
              }
            },
            "links": {
              "GetChallenge": {
                "operationId": "getChallenge",
                "parameters": {
                  "id": "$response.body#/step_up/id"
                }
              },
              "VerifyChallenge": {
                "operationId": "verifyChallenge",
                "parameters": {
                  "id": "$response.body#/step_up/id"
                }
              },
              "ChallengeWebAuthnOptions": {
                "operationId": "challengeWebAuthnOptions",
                "parameters": {
                  "id": "$response.body#/step_up/id"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/LoginRequest"
              }
            }
          }
        }
      }
    },
    "/v1/sessions/current": {
      "get": {
        "operationId": "currentSession",
        "summary": "The bearer token's session",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "The session",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Session"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "delete": {
        "operationId": "signOut",
        "summary": "End the session",
        "tags": [
          "api"
        ],
        "responses": {
          "204": {
            "description": "Done; no content."
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/sessions/webauthn/options": {
      "post": {
        "operationId": "passkeySignInOptions",
        "summary": "Options for signing in with a passkey",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "Ceremony options",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WebAuthnOptions"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/v1/sessions/webauthn": {
      "post": {
        "operationId": "signInWithPasskey",
        "summary": "Sign in with a passkey assertion",
        "tags": [
          "api"
        ],
        "responses": {
          "201": {
            "description": "Signed in",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/LoginResult"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PasskeySignIn"
              }
            }
          }
        }
      }
    },
    "/v1/decisions": {
      "post": {
        "operationId": "decide",
        "summary": "May this session do this action now? allow, deny or step_up",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "The decision",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Decision"
                }
              }
            },
            "links": {
              "GetChallenge": {
                "operationId": "getChallenge",
                "parameters": {
                  "id": "$response.body#/challenge/id"
                }
              },
              "VerifyChallenge": {
                "operationId": "verifyChallenge",
                "parameters": {
                  "id": "$response.body#/challenge/id"
                }
              },
              "ChallengeWebAuthnOptions": {
                "operationId": "challengeWebAuthnOptions",
                "parameters": {
                  "id": "$response.body#/challenge/id"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DecisionRequest"
              }
            }
          }
        }
      }
    },
    "/v1/challenges/{id}": {
      "get": {
        "operationId": "getChallenge",
        "summary": "A step-up challenge of this session",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "The challenge",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Challenge"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ]
      }
    },
    "/v1/challenges/{id}/verify": {
      "post": {
        "operationId": "verifyChallenge",
        "summary": "Answer a challenge with a factor",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "Satisfied",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Verified"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/VerifyRequest"
              }
            }
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ]
      }
    },
    "/v1/challenges/{id}/webauthn": {
      "post": {
        "operationId": "challengeWebAuthnOptions",
        "summary": "Passkey options for a challenge",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "Ceremony options",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WebAuthnOptions"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ]
      }
    },
    "/v1/factors": {
      "get": {
        "operationId": "listFactors",
        "summary": "The user's factors",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "Factors",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FactorList"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/factors/totp": {
      "post": {
        "operationId": "startTOTP",
        "summary": "Start a TOTP enrollment",
        "tags": [
          "api"
        ],
        "responses": {
          "201": {
            "description": "Secret and otpauth URI",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TOTPEnrollment"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "parameters": [
          {
            "name": "grant",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            },
            "description": "a satisfied step-up challenge's id, when this change needed one"
          }
        ]
      }
    },
    "/v1/factors/totp/{id}/confirm": {
      "post": {
        "operationId": "confirmTOTP",
        "summary": "Confirm a TOTP enrollment with a code",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "Active",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Status"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CodeRequest"
              }
            }
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ]
      }
    },
    "/v1/factors/recovery-codes": {
      "post": {
        "operationId": "regenerateRecoveryCodes",
        "summary": "New recovery codes (the old ones stop working)",
        "tags": [
          "api"
        ],
        "responses": {
          "201": {
            "description": "The codes, shown once",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/RecoveryCodes"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "parameters": [
          {
            "name": "grant",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            },
            "description": "a satisfied step-up challenge's id, when this change needed one"
          }
        ]
      }
    },
    "/v1/factors/webauthn/options": {
      "post": {
        "operationId": "passkeyRegistrationOptions",
        "summary": "Options to register a passkey",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "Ceremony options",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WebAuthnOptions"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "parameters": [
          {
            "name": "grant",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            },
            "description": "a satisfied step-up challenge's id, when this change needed one"
          }
        ]
      }
    },
    "/v1/factors/webauthn": {
      "post": {
        "operationId": "registerPasskey",
        "summary": "Register a passkey",
        "tags": [
          "api"
        ],
        "responses": {
          "201": {
            "description": "The new factor",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Factor"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PasskeyRegistration"
              }
            }
          }
        }
      }
    },
    "/v1/factors/{id}": {
      "patch": {
        "operationId": "renameFactor",
        "summary": "Rename a factor",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "The factor",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Factor"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Name"
              }
            }
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ]
      },
      "delete": {
        "operationId": "removeFactor",
        "summary": "Remove a factor",
        "tags": [
          "api"
        ],
        "responses": {
          "204": {
            "description": "Done; no content."
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "grant",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            },
            "description": "a satisfied step-up challenge's id, when this change needed one"
          }
        ]
      }
    },
    "/v1/admin/policy/reload": {
      "post": {
        "operationId": "reloadPolicy",
        "summary": "Reload the policy file now (the policy decides who may)",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "Applied",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PolicyReload"
                }
              }
            }
          },
          "422": {
            "description": "Refused: the running policy stays",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PolicyReload"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "parameters": [
          {
            "name": "grant",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            },
            "description": "a satisfied step-up challenge's id, when this change needed one"
          }
        ]
      }
    },
    "/v1/devices/nonce": {
      "get": {
        "operationId": "deviceNonce",
        "summary": "A nonce to sign with a device key",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "The nonce",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeviceNonce"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/v1/devices": {
      "get": {
        "operationId": "listDevices",
        "summary": "The user's devices",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "Devices",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeviceList"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/devices/current/trust": {
      "post": {
        "operationId": "trustCurrentDevice",
        "summary": "Trust the device of this session",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "The device",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Device"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/devices/{id}": {
      "delete": {
        "operationId": "revokeDevice",
        "summary": "Revoke a device",
        "tags": [
          "api"
        ],
        "responses": {
          "204": {
            "description": "Done; no content."
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "grant",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            },
            "description": "a satisfied step-up challenge's id, when this change needed one"
          }
        ]
      }
    },
    "/healthz": {
      "get": {
        "operationId": "health",
        "summary": "The process answers",
        "tags": [
          "operations"
        ],
        "responses": {
          "200": {
            "description": "ok",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/readyz": {
      "get": {
        "operationId": "ready",
        "summary": "The database can be read and written, a policy is loaded",
        "tags": [
          "operations"
        ],
        "responses": {
          "200": {
            "description": "ready",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "503": {
            "description": "not ready (Retry-After says when to ask again)",
            "headers": {
              "Retry-After": {
                "schema": {
                  "type": "integer"
                }
              }
            },
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus metrics (needs the metrics token)",
        "tags": [
          "operations"
        ],
        "responses": {
          "200": {
            "description": "Prometheus text exposition format 0.0.4",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": [
          {
            "metricsToken": []
          }
        ]
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "This document",
        "tags": [
          "operations"
        ],
        "responses": {
          "200": {
            "description": "OpenAPI 3.1",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    }
  },
  "components": {
    "schemas": {
      "AttributeValue": {
        "description": "a string, number, boolean or null, or a list of these",
        "anyOf": [
          {
            "type": [
              "string",
              "number",
              "boolean",
              "null"
            ]
          },
          {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/AttributeValue"
            }
          }
        ]
      },
      "Problem": {
        "type": "object",
        "properties": {
          "type": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "detail": {
            "type": "string"
          },
          "status": {
            "type": "integer"
          }
        },
        "required": [
          "type",
          "title",
          "detail",
          "status"
        ]
      },
      "User": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "username": {
            "type": "string"
          },
          "display_name": {
            "type": "string"
          },
          "roles": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        },
        "required": [
          "id",
          "username",
          "roles"
        ]
      },
      "AuthenticationEvent": {
        "type": "object",
        "properties": {
          "factor": {
            "type": "string"
          },
          "at": {
            "type": "string",
            "format": "date-time"
          },
          "bound": {
            "type": "boolean"
          }
        },
        "required": [
          "factor",
          "at"
        ]
      },
      "Session": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "user": {
            "$ref": "#/components/schemas/User"
          },
          "level": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ]
          },
          "acr": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ]
          },
          "amr": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "auth_time": {
            "anyOf": [
              {
                "type": "string",
                "format": "date-time"
              },
              {
                "type": "null"
              }
            ]
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "expires_at": {
            "type": "string",
            "format": "date-time"
          },
          "events": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/AuthenticationEvent"
            }
          }
        },
        "required": [
          "id",
          "user",
          "amr",
          "created_at",
          "expires_at",
          "events"
        ]
      },
      "Signal": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "weight": {
            "type": "number"
          },
          "evidence": {
            "type": "string"
          }
        },
        "required": [
          "name"
        ]
      },
      "Risk": {
        "type": "object",
        "properties": {
          "score": {
            "type": "number"
          },
          "band": {
            "type": "string"
          },
          "signals": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Signal"
            }
          }
        },
        "required": [
          "band",
          "signals"
        ]
      },
      "Challenge": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "status": {
            "type": "string"
          },
          "action": {
            "type": "string"
          },
          "level": {
            "type": "string"
          },
          "acr": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ]
          },
          "max_age": {
            "anyOf": [
              {
                "type": "integer"
              },
              {
                "type": "null"
              }
            ]
          },
          "allowed_factors": {
            "anyOf": [
              {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              {
                "type": "null"
              }
            ]
          },
          "available_factors": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "message": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ]
          },
          "display": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "expires_at": {
            "type": "string",
            "format": "date-time"
          },
          "attempts_left": {
            "type": "integer"
          },
          "password_required": {
            "type": "boolean"
          },
          "verify_url": {
            "type": "string"
          },
          "webauthn_options_url": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ]
          },
          "page_url": {
            "type": "string"
          }
        },
        "required": [
          "id",
          "status",
          "action",
          "level",
          "available_factors",
          "expires_at",
          "attempts_left",
          "verify_url",
          "page_url"
        ]
      },
      "LoginResult": {
        "type": "object",
        "properties": {
          "token": {
            "type": "string"
          },
          "token_type": {
            "type": "string"
          },
          "session": {
            "$ref": "#/components/schemas/Session"
          },
          "step_up": {
            "$ref": "#/components/schemas/Challenge"
          },
          "reason": {
            "type": "string"
          },
          "risk": {
            "$ref": "#/components/schemas/Risk"
          },
          "device_secret": {
            "type": "string"
          }
        },
        "required": [
          "token",
          "token_type",
          "session"
        ]
      },
      "DeviceProof": {
        "type": "object",
        "properties": {
          "public_key": {
            "type": "string"
          },
          "nonce": {
            "type": "string"
          },
          "signature": {
            "type": "string"
          }
        },
        "required": [
          "public_key",
          "nonce",
          "signature"
        ]
      },
      "LoginRequest": {
        "type": "object",
        "properties": {
          "username": {
            "type": "string"
          },
          "password": {
            "type": "string"
          },
          "otp": {
            "type": "string"
          },
          "device_id": {
            "type": "string"
          },
          "device_secret": {
            "type": "string"
          },
          "device_proof": {
            "$ref": "#/components/schemas/DeviceProof"
          }
        },
        "required": [
          "username",
          "password"
        ]
      },
      "DecisionRequest": {
        "type": "object",
        "properties": {
          "action": {
            "type": "string",
            "maxLength": 200,
            "pattern": "^[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*$",
            "examples": [
              "payments.transfer"
            ]
          },
          "resource": {
            "type": "object",
            "additionalProperties": {
              "$ref": "#/components/schemas/AttributeValue"
            }
          },
          "context": {
            "type": "object",
            "properties": {
              "transaction": {
                "type": "object",
                "additionalProperties": {
                  "$ref": "#/components/schemas/AttributeValue"
                }
              },
              "attributes": {
                "type": "object",
                "additionalProperties": {
                  "$ref": "#/components/schemas/AttributeValue"
                }
              },
              "device_id": {
                "type": "string"
              }
            }
          },
          "grant": {
            "type": "string"
          },
          "explain": {
            "type": "boolean"
          }
        },
        "required": [
          "action"
        ]
      },
      "Decision": {
        "type": "object",
        "properties": {
          "decision_id": {
            "type": "string"
          },
          "decision": {
            "type": "string",
            "enum": [
              "allow",
              "deny",
              "step_up"
            ]
          },
          "reason": {
            "type": "string"
          },
          "rules": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "policy_version": {
            "type": "string"
          },
          "risk": {
            "$ref": "#/components/schemas/Risk"
          },
          "requirement": {
            "type": "object",
            "properties": {
              "level": {
                "type": "string"
              },
              "acr": {
                "anyOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "max_age": {
                "anyOf": [
                  {
                    "type": "integer"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "allowed_factors": {
                "anyOf": [
                  {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "bind": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              }
            }
          },
          "challenge": {
            "$ref": "#/components/schemas/Challenge"
          },
          "explanation": {
            "type": "object"
          }
        },
        "required": [
          "decision_id",
          "decision",
          "reason",
          "rules",
          "policy_version",
          "risk"
        ]
      },
      "WebAuthnCredential": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "rawId": {
            "type": "string"
          },
          "type": {
            "type": "string"
          },
          "response": {
            "type": "object",
            "properties": {
              "clientDataJSON": {
                "type": "string"
              },
              "attestationObject": {
                "type": "string"
              },
              "transports": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "authenticatorData": {
                "type": "string"
              },
              "signature": {
                "type": "string"
              },
              "userHandle": {
                "anyOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            },
            "required": [
              "clientDataJSON"
            ]
          }
        },
        "required": [
          "id",
          "response"
        ]
      },
      "VerifyRequest": {
        "type": "object",
        "properties": {
          "factor": {
            "type": "string"
          },
          "code": {
            "type": "string"
          },
          "password": {
            "type": "string"
          },
          "ceremony": {
            "type": "string"
          },
          "credential": {
            "$ref": "#/components/schemas/WebAuthnCredential"
          }
        },
        "required": [
          "factor"
        ]
      },
      "Verified": {
        "type": "object",
        "properties": {
          "status": {
            "type": "string"
          },
          "grant": {
            "type": "string"
          },
          "challenge": {
            "$ref": "#/components/schemas/Challenge"
          },
          "token": {
            "type": "string"
          }
        },
        "required": [
          "status",
          "grant",
          "challenge"
        ]
      },
      "Factor": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "kind": {
            "type": "string"
          },
          "label": {
            "type": "string"
          },
          "status": {
            "type": "string"
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "last_used_at": {
            "anyOf": [
              {
                "type": "string",
                "format": "date-time"
              },
              {
                "type": "null"
              }
            ]
          },
          "webauthn": {
            "type": "object"
          }
        },
        "required": [
          "id",
          "kind",
          "label",
          "status",
          "created_at"
        ]
      },
      "FactorList": {
        "type": "object",
        "properties": {
          "factors": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Factor"
            }
          },
          "recovery_codes_left": {
            "type": "integer"
          }
        },
        "required": [
          "factors",
          "recovery_codes_left"
        ]
      },
      "TOTPEnrollment": {
        "type": "object",
        "properties": {
          "factor_id": {
            "type": "string"
          },
          "secret": {
            "type": "string"
          },
          "otpauth_uri": {
            "type": "string"
          },
          "confirm_url": {
            "type": "string"
          }
        },
        "required": [
          "factor_id",
          "secret",
          "otpauth_uri",
          "confirm_url"
        ]
      },
      "CodeRequest": {
        "type": "object",
        "properties": {
          "code": {
            "type": "string"
          }
        },
        "required": [
          "code"
        ]
      },
      "Status": {
        "type": "object",
        "properties": {
          "status": {
            "type": "string"
          }
        },
        "required": [
          "status"
        ]
      },
      "RecoveryCodes": {
        "type": "object",
        "properties": {
          "codes": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        },
        "required": [
          "codes"
        ]
      },
      "PolicyReload": {
        "type": "object",
        "properties": {
          "applied": {
            "type": "boolean"
          },
          "version": {
            "type": "string"
          },
          "previous_version": {
            "type": "string"
          },
          "errors": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "warnings": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        },
        "required": [
          "applied",
          "version",
          "errors",
          "warnings"
        ]
      },
      "DeviceNonce": {
        "type": "object",
        "properties": {
          "nonce": {
            "type": "string"
          },
          "expires_in": {
            "type": "integer"
          }
        },
        "required": [
          "nonce",
          "expires_in"
        ]
      },
      "Device": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "label": {
            "type": "string"
          },
          "first_seen": {
            "type": "string",
            "format": "date-time"
          },
          "last_seen": {
            "type": "string",
            "format": "date-time"
          },
          "trusted_until": {
            "anyOf": [
              {
                "type": "string",
                "format": "date-time"
              },
              {
                "type": "null"
              }
            ]
          },
          "revoked": {
            "type": "boolean"
          },
          "current": {
            "type": "boolean"
          }
        },
        "required": [
          "id",
          "label",
          "first_seen",
          "last_seen",
          "revoked",
          "current"
        ]
      },
      "DeviceList": {
        "type": "object",
        "properties": {
          "devices": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Device"
            }
          }
        },
        "required": [
          "devices"
        ]
      },
      "WebAuthnOptions": {
        "type": "object",
        "properties": {
          "ceremony": {
            "type": "string"
          },
          "public_key": {
            "type": "object"
          }
        },
        "required": [
          "ceremony",
          "public_key"
        ]
      },
      "PasskeyRegistration": {
        "type": "object",
        "properties": {
          "ceremony": {
            "type": "string"
          },
          "credential": {
            "$ref": "#/components/schemas/WebAuthnCredential"
          },
          "name": {
            "type": "string"
          }
        },
        "required": [
          "ceremony",
          "credential"
        ]
      },
      "PasskeySignIn": {
        "type": "object",
        "properties": {
          "ceremony": {
            "type": "string"
          },
          "credential": {
            "$ref": "#/components/schemas/WebAuthnCredential"
          },
          "device_id": {
            "type": "string"
          },
          "device_secret": {
            "type": "string"
          },
          "device_proof": {
            "$ref": "#/components/schemas/DeviceProof"
          }
        },
        "required": [
          "ceremony",
          "credential"
        ]
      },
      "Name": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          }
        },
        "required": [
          "name"
        ]
      }
    },
    "responses": {
      "Problem": {
        "description": "An RFC 9457 problem: what went wrong and what to do next.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      }
    },
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "a session token from POST /v1/sessions"
      },
      "metricsToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "metrics.token from stepup.yaml"
      }
    }
  }
}
"""#
}
