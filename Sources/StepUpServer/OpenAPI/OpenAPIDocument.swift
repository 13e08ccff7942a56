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
              },
              "SendChallengeCode": {
                "operationId": "sendChallengeCode",
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
              },
              "SendChallengeCode": {
                "operationId": "sendChallengeCode",
                "parameters": {
                  "id": "$response.body#/challenge/id"
                }
              },
              "StartPushApproval": {
                "operationId": "startPushApproval",
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
    "/v1/challenges/{id}/codes": {
      "post": {
        "operationId": "sendChallengeCode",
        "summary": "Send a one-time code for a challenge by e-mail or SMS",
        "description": "Queues a code to the user's active email_otp or sms_otp destination; it completes this challenge only (POST /v1/challenges/{id}/verify with the same factor), once, until it expires (never after the challenge). A challenge offers this when available_factors has email_otp or sms_otp (its codes_url). Works for a pending sign-in's step-up too.",
        "tags": [
          "api"
        ],
        "responses": {
          "202": {
            "description": "Queued in the outbox; the message is sent by the background sender",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CodeSent"
                }
              }
            }
          },
          "400": {
            "description": "invalid-body, or factor-not-allowed: this factor cannot complete the challenge, is not configured, or the user has no active destination for it",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "description": "unauthenticated: not signed in",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "403": {
            "description": "challenge-failed: too many wrong codes",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "description": "not-found: no such challenge of this session",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "challenge-not-pending: the challenge is already finished",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "410": {
            "description": "challenge-expired",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "429": {
            "description": "rate-limited: too many codes sent for this account, destination or number prefix",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "seconds until the budget allows another request",
                "schema": {
                  "type": "integer"
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
                "$ref": "#/components/schemas/SendCodeRequest"
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
    "/v1/challenges/{id}/push": {
      "post": {
        "operationId": "startPushApproval",
        "summary": "Ask the user's push approvers to approve a challenge (number matching)",
        "description": "Queues a notification to every active push approver; show the answer's number: the approver must pick it among three. Not for a pending sign-in, nor when the challenge needs the password. At most push.prompts_per_10_minutes prompts per account.",
        "tags": [
          "api"
        ],
        "responses": {
          "202": {
            "description": "Notifications queued",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PushPrompt"
                }
              }
            }
          },
          "400": {
            "description": "factor-not-allowed: push cannot complete this challenge",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "description": "unauthenticated: not signed in; or sign-in-incomplete: the session still waits for its sign-in step-up",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "403": {
            "description": "challenge-failed: too many wrong attempts",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "description": "not-found: no such challenge of this session",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "challenge-not-pending: the challenge is already finished",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "410": {
            "description": "challenge-expired",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "429": {
            "description": "rate-limited: too many approval requests for this account (push fatigue)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "seconds until the budget allows another request",
                "schema": {
                  "type": "integer"
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
    "/v1/factors/email": {
      "post": {
        "operationId": "startEmail",
        "summary": "Start adding an e-mail address (or replacing the current one): a code is sent to it",
        "description": "Creates a pending email_otp factor and queues a code to the e-mail address in the outbox (sent by the background sender, never inside this request). Adding or replacing it is account.factors.manage: once the user has a second factor the policy may answer 403 step-up-required (retry with ?grant=<challenge id>). Confirm with POST /v1/factors/email/{id}/confirm.",
        "tags": [
          "api"
        ],
        "responses": {
          "201": {
            "description": "Pending; the code is queued",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CodeEnrollment"
                }
              }
            },
            "links": {
              "Confirm": {
                "operationId": "confirmEmail",
                "parameters": {
                  "id": "$response.body#/factor_id"
                }
              }
            }
          },
          "400": {
            "description": "invalid-body: the body is not valid; or invalid-request: the e-mail address is not valid",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "description": "unauthenticated: not signed in; or sign-in-incomplete: the session still waits for its sign-in step-up",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "403": {
            "description": "step-up-required (the policy wants a step-up first; the problem names challenge_id and challenge_url), or forbidden: email_otp codes are not configured on this server",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "429": {
            "description": "rate-limited: too many codes sent for this account or to this destination",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "seconds until the budget allows another request",
                "schema": {
                  "type": "integer"
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
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/EmailRequest"
              }
            }
          }
        }
      }
    },
    "/v1/factors/email/{id}/confirm": {
      "post": {
        "operationId": "confirmEmail",
        "summary": "Confirm a pending email_otp factor with the code sent to it",
        "description": "Activates the factor; the user's other factors of this kind are removed (the new destination replaces the old one only now).",
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
          "400": {
            "description": "invalid-body",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "description": "invalid-code: the code does not match or has expired (ask for a new one); or unauthenticated, sign-in-incomplete",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "description": "not-found: no such email_otp factor of this user",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "conflict: this factor is already active",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "429": {
            "description": "rate-limited: too many wrong codes for this account",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "seconds until the budget allows another request",
                "schema": {
                  "type": "integer"
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
    "/v1/factors/sms": {
      "post": {
        "operationId": "startSMS",
        "summary": "Start adding a phone number (or replacing the current one): a code is sent to it",
        "description": "Creates a pending sms_otp factor and queues a code to the phone number in the outbox (sent by the background sender, never inside this request). Adding or replacing it is account.factors.manage: once the user has a second factor the policy may answer 403 step-up-required (retry with ?grant=<challenge id>). Confirm with POST /v1/factors/sms/{id}/confirm.",
        "tags": [
          "api"
        ],
        "responses": {
          "201": {
            "description": "Pending; the code is queued",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CodeEnrollment"
                }
              }
            },
            "links": {
              "Confirm": {
                "operationId": "confirmSMS",
                "parameters": {
                  "id": "$response.body#/factor_id"
                }
              }
            }
          },
          "400": {
            "description": "invalid-body: the body is not valid; or invalid-request: the phone number is not valid (E.164) or not in sms.allowed_prefixes",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "description": "unauthenticated: not signed in; or sign-in-incomplete: the session still waits for its sign-in step-up",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "403": {
            "description": "step-up-required (the policy wants a step-up first; the problem names challenge_id and challenge_url), or forbidden: sms_otp codes are not configured on this server",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "429": {
            "description": "rate-limited: too many codes sent for this account or to this destination or number prefix",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "seconds until the budget allows another request",
                "schema": {
                  "type": "integer"
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
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PhoneRequest"
              }
            }
          }
        }
      }
    },
    "/v1/factors/sms/{id}/confirm": {
      "post": {
        "operationId": "confirmSMS",
        "summary": "Confirm a pending sms_otp factor with the code sent to it",
        "description": "Activates the factor; the user's other factors of this kind are removed (the new destination replaces the old one only now).",
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
          "400": {
            "description": "invalid-body",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "description": "invalid-code: the code does not match or has expired (ask for a new one); or unauthenticated, sign-in-incomplete",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "description": "not-found: no such sms_otp factor of this user",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "conflict: this factor is already active",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "429": {
            "description": "rate-limited: too many wrong codes for this account",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "seconds until the budget allows another request",
                "schema": {
                  "type": "integer"
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
    "/v1/factors/push": {
      "post": {
        "operationId": "enrollApprover",
        "summary": "Enroll a push approver: a push subscription and a device key",
        "description": "The device key (P-256, made on the device) signs 'stepup-push-enroll-v1\\n<endpoint>'; the endpoint must be https:// to a known push service (push.endpoint_hosts). Adding a factor is account.factors.manage: once the user has a second factor the policy may answer 403 step-up-required (retry with ?grant=<challenge id>).",
        "tags": [
          "api"
        ],
        "responses": {
          "201": {
            "description": "The new factor (kind push, active)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Factor"
                }
              }
            }
          },
          "400": {
            "description": "invalid-body or invalid-request: an unknown push endpoint, subscription keys that are not a P-256 point and a 16-byte secret, a device_key that is not an uncompressed P-256 key, a proof that is not its signature over the endpoint, or a name that is not 1 to 64 characters",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "description": "unauthenticated: not signed in; or sign-in-incomplete: the session still waits for its sign-in step-up",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "403": {
            "description": "step-up-required, or forbidden: push approval is not configured on this server",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
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
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ApproverRegistration"
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
    "/v1/push/vapid-key": {
      "get": {
        "operationId": "vapidKey",
        "summary": "The VAPID public key browsers subscribe with (applicationServerKey)",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "The key",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/VAPIDKey"
                }
              }
            }
          },
          "404": {
            "description": "not-found: no VAPID key is configured (push.vapid_key)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
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
    "/v1/push/answers": {
      "post": {
        "operationId": "answerPush",
        "summary": "An approver's signed answer to a push prompt",
        "description": "No bearer token: the approver's device key is the credential. It signs 'stepup-push-v1\\n<challenge id>\\n<number>\\n<binding hash or ->\\n<approve|deny>' (ECDSA P-256 / SHA-256, raw r||s or DER, base64url). approve with the right number satisfies the challenge; deny ('this wasn't me') closes it (status failed). A bad signature spends nothing; a wrong number spends an attempt.",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "The challenge's status after the answer: satisfied (approved) or failed (denied)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PushAnswerResult"
                }
              }
            }
          },
          "400": {
            "description": "invalid-body or invalid-request (decision must be approve or deny), or factor-not-allowed: push can no longer complete this challenge",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "description": "invalid-code: not the number on the screen (the problem carries attempts_left)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "403": {
            "description": "forbidden: this approval is not valid (unknown factor or challenge, bad signature); or challenge-failed",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "challenge-not-pending: the challenge is already finished (a replayed approval)",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "410": {
            "description": "challenge-expired",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "429": {
            "description": "rate-limited: too many answers from this address or for this challenge in 10 minutes (push.answers_per_address_per_10_minutes, push.answers_per_challenge_per_10_minutes); answers that succeed are not counted",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "seconds until the budget allows another answer",
                "schema": {
                  "type": "integer"
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
                "$ref": "#/components/schemas/PushAnswer"
              }
            }
          }
        }
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
            },
            "description": "factor kinds that can complete the challenge now: totp, webauthn, recovery_code, email_otp, sms_otp, push, …"
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
          "codes_url": {
            "description": "where to ask for a code (POST {\"factor\": \"email_otp\" | \"sms_otp\"}), when an out-of-band code can complete the challenge",
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
            "type": "string",
            "description": "totp, webauthn, recovery_code, email_otp, sms_otp, push, …"
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
      },
      "EmailRequest": {
        "type": "object",
        "properties": {
          "address": {
            "type": "string",
            "examples": [
              "bob@example.com"
            ]
          }
        },
        "required": [
          "address"
        ]
      },
      "PhoneRequest": {
        "type": "object",
        "properties": {
          "phone": {
            "type": "string",
            "description": "E.164: '+' and 7 to 15 digits (spaces, dots, dashes and parentheses ignored)",
            "examples": [
              "+33 6 12 34 56 78"
            ]
          }
        },
        "required": [
          "phone"
        ]
      },
      "CodeEnrollment": {
        "type": "object",
        "properties": {
          "factor_id": {
            "type": "string"
          },
          "destination": {
            "type": "string",
            "description": "masked, e.g. b***@example.com"
          },
          "expires_at": {
            "type": "string",
            "format": "date-time"
          },
          "confirm_url": {
            "type": "string"
          }
        },
        "required": [
          "factor_id",
          "destination",
          "expires_at",
          "confirm_url"
        ]
      },
      "SendCodeRequest": {
        "type": "object",
        "properties": {
          "factor": {
            "type": "string",
            "enum": [
              "email_otp",
              "sms_otp"
            ]
          }
        },
        "required": [
          "factor"
        ]
      },
      "CodeSent": {
        "type": "object",
        "properties": {
          "factor_id": {
            "type": "string"
          },
          "destination": {
            "type": "string",
            "description": "masked, e.g. b***@example.com"
          },
          "expires_at": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "factor_id",
          "destination",
          "expires_at"
        ]
      },
      "VAPIDKey": {
        "type": "object",
        "properties": {
          "public_key": {
            "type": "string",
            "description": "the uncompressed P-256 point, base64url"
          }
        },
        "required": [
          "public_key"
        ]
      },
      "ApproverRegistration": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "subscription": {
            "description": "the browser's PushSubscription.toJSON()",
            "type": "object",
            "properties": {
              "endpoint": {
                "type": "string"
              },
              "keys": {
                "type": "object",
                "properties": {
                  "p256dh": {
                    "type": "string"
                  },
                  "auth": {
                    "type": "string"
                  }
                },
                "required": [
                  "p256dh",
                  "auth"
                ]
              }
            },
            "required": [
              "endpoint",
              "keys"
            ]
          },
          "device_key": {
            "type": "string",
            "description": "an uncompressed P-256 public key, base64url"
          },
          "proof": {
            "type": "string",
            "description": "the device key's signature over 'stepup-push-enroll-v1\\n<endpoint>' (raw r||s or DER, base64url)"
          }
        },
        "required": [
          "name",
          "subscription",
          "device_key",
          "proof"
        ]
      },
      "PushPrompt": {
        "type": "object",
        "properties": {
          "number": {
            "type": "string",
            "description": "the two-digit number to show"
          },
          "expires_at": {
            "type": "string",
            "format": "date-time"
          },
          "approvers": {
            "type": "integer",
            "description": "how many approvers were notified"
          }
        },
        "required": [
          "number",
          "expires_at",
          "approvers"
        ]
      },
      "PushAnswer": {
        "type": "object",
        "properties": {
          "factor_id": {
            "type": "string"
          },
          "challenge_id": {
            "type": "string"
          },
          "number": {
            "type": "string"
          },
          "decision": {
            "type": "string",
            "enum": [
              "approve",
              "deny"
            ]
          },
          "signature": {
            "type": "string"
          }
        },
        "required": [
          "factor_id",
          "challenge_id",
          "number",
          "decision",
          "signature"
        ]
      },
      "PushAnswerResult": {
        "type": "object",
        "properties": {
          "status": {
            "type": "string",
            "enum": [
              "pending",
              "satisfied",
              "failed",
              "consumed"
            ]
          }
        },
        "required": [
          "status"
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
