using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Platform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "platform");

            migrationBuilder.CreateTable(
                name: "artifact_chunks",
                schema: "platform",
                columns: table => new
                {
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    index = table.Column<int>(type: "integer", nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_artifact_chunks", x => new { x.sha256, x.index });
                });

            migrationBuilder.CreateTable(
                name: "artifacts",
                schema: "platform",
                columns: table => new
                {
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    chunk_size = table.Column<int>(type: "integer", nullable: false),
                    chunk_count = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_artifacts", x => x.sha256);
                });

            migrationBuilder.CreateTable(
                name: "teams",
                schema: "platform",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_teams", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "worker_instances",
                schema: "platform",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    host = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    device = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    capabilities_json = table.Column<string>(type: "jsonb", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_worker_instances", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "api_tokens",
                schema: "platform",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    team_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    is_admin = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_tokens", x => x.id);
                    table.CheckConstraint("ck_api_tokens_hash_length", "octet_length(token_hash) = 32");
                    table.ForeignKey(
                        name: "FK_api_tokens_teams_team_id",
                        column: x => x.team_id,
                        principalSchema: "platform",
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "batches",
                schema: "platform",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    team_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_batches", x => x.id);
                    table.ForeignKey(
                        name: "FK_batches_teams_team_id",
                        column: x => x.team_id,
                        principalSchema: "platform",
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "data_sets",
                schema: "platform",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    team_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    artifact_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    arrays_json = table.Column<string>(type: "jsonb", nullable: false),
                    samples = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_sets", x => x.id);
                    table.ForeignKey(
                        name: "FK_data_sets_artifacts_artifact_sha256",
                        column: x => x.artifact_sha256,
                        principalSchema: "platform",
                        principalTable: "artifacts",
                        principalColumn: "sha256",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_data_sets_teams_team_id",
                        column: x => x.team_id,
                        principalSchema: "platform",
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "models",
                schema: "platform",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    team_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    artifact_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    inputs_json = table.Column<string>(type: "jsonb", nullable: false),
                    layers_json = table.Column<string>(type: "jsonb", nullable: false),
                    operators_json = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_models", x => x.id);
                    table.ForeignKey(
                        name: "FK_models_artifacts_artifact_sha256",
                        column: x => x.artifact_sha256,
                        principalSchema: "platform",
                        principalTable: "artifacts",
                        principalColumn: "sha256",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_models_teams_team_id",
                        column: x => x.team_id,
                        principalSchema: "platform",
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                schema: "platform",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    team_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    model_id = table.Column<Guid>(type: "uuid", nullable: false),
                    calibration_data_set_id = table.Column<Guid>(type: "uuid", nullable: true),
                    evaluation_data_set_id = table.Column<Guid>(type: "uuid", nullable: true),
                    spec_json = table.Column<string>(type: "jsonb", nullable: false),
                    device = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    progress = table.Column<double>(type: "double precision", nullable: false),
                    stage = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    lease_owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    lease_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    worker_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    batch_id = table.Column<Guid>(type: "uuid", nullable: true),
                    parent_job_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    dispatched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => x.id);
                    table.CheckConstraint("ck_jobs_progress", "progress >= 0 AND progress <= 1");
                    table.ForeignKey(
                        name: "FK_jobs_batches_batch_id",
                        column: x => x.batch_id,
                        principalSchema: "platform",
                        principalTable: "batches",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_jobs_data_sets_calibration_data_set_id",
                        column: x => x.calibration_data_set_id,
                        principalSchema: "platform",
                        principalTable: "data_sets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_jobs_data_sets_evaluation_data_set_id",
                        column: x => x.evaluation_data_set_id,
                        principalSchema: "platform",
                        principalTable: "data_sets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_jobs_jobs_parent_job_id",
                        column: x => x.parent_job_id,
                        principalSchema: "platform",
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_jobs_models_model_id",
                        column: x => x.model_id,
                        principalSchema: "platform",
                        principalTable: "models",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_jobs_teams_team_id",
                        column: x => x.team_id,
                        principalSchema: "platform",
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "model_variants",
                schema: "platform",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    team_id = table.Column<Guid>(type: "uuid", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_id = table.Column<Guid>(type: "uuid", nullable: false),
                    spec_json = table.Column<string>(type: "jsonb", nullable: false),
                    accuracy = table.Column<double>(type: "double precision", nullable: true),
                    top1_agreement = table.Column<double>(type: "double precision", nullable: true),
                    sqnr_db = table.Column<double>(type: "double precision", nullable: true),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    latency_ms_p50 = table.Column<double>(type: "double precision", nullable: true),
                    latency_ms_p90 = table.Column<double>(type: "double precision", nullable: true),
                    runtime = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    device = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    device_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    artifact_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_model_variants", x => x.id);
                    table.ForeignKey(
                        name: "FK_model_variants_artifacts_artifact_sha256",
                        column: x => x.artifact_sha256,
                        principalSchema: "platform",
                        principalTable: "artifacts",
                        principalColumn: "sha256",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_model_variants_jobs_job_id",
                        column: x => x.job_id,
                        principalSchema: "platform",
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_model_variants_models_model_id",
                        column: x => x.model_id,
                        principalSchema: "platform",
                        principalTable: "models",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_model_variants_teams_team_id",
                        column: x => x.team_id,
                        principalSchema: "platform",
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "layer_results",
                schema: "platform",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    variant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    layer_name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    op = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    format = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    sqnr_db = table.Column<double>(type: "double precision", nullable: true),
                    activation_min = table.Column<float>(type: "real", nullable: true),
                    activation_max = table.Column<float>(type: "real", nullable: true),
                    time_ms = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_layer_results", x => x.id);
                    table.ForeignKey(
                        name: "FK_layer_results_model_variants_variant_id",
                        column: x => x.variant_id,
                        principalSchema: "platform",
                        principalTable: "model_variants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_api_tokens_team_id",
                schema: "platform",
                table: "api_tokens",
                column: "team_id");

            migrationBuilder.CreateIndex(
                name: "IX_api_tokens_token_hash",
                schema: "platform",
                table: "api_tokens",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_batches_team_id_created_at",
                schema: "platform",
                table: "batches",
                columns: new[] { "team_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_data_sets_artifact_sha256",
                schema: "platform",
                table: "data_sets",
                column: "artifact_sha256");

            migrationBuilder.CreateIndex(
                name: "IX_data_sets_team_id_created_at",
                schema: "platform",
                table: "data_sets",
                columns: new[] { "team_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_batch_id",
                schema: "platform",
                table: "jobs",
                column: "batch_id");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_calibration_data_set_id",
                schema: "platform",
                table: "jobs",
                column: "calibration_data_set_id");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_evaluation_data_set_id",
                schema: "platform",
                table: "jobs",
                column: "evaluation_data_set_id");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_model_id",
                schema: "platform",
                table: "jobs",
                column: "model_id");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_parent_job_id",
                schema: "platform",
                table: "jobs",
                column: "parent_job_id");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_status_lease_expires_at",
                schema: "platform",
                table: "jobs",
                columns: new[] { "status", "lease_expires_at" });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_team_id_status",
                schema: "platform",
                table: "jobs",
                columns: new[] { "team_id", "status" });

            migrationBuilder.CreateIndex(
                name: "IX_layer_results_variant_id_ordinal",
                schema: "platform",
                table: "layer_results",
                columns: new[] { "variant_id", "ordinal" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_model_variants_artifact_sha256",
                schema: "platform",
                table: "model_variants",
                column: "artifact_sha256");

            migrationBuilder.CreateIndex(
                name: "IX_model_variants_job_id",
                schema: "platform",
                table: "model_variants",
                column: "job_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_model_variants_model_id",
                schema: "platform",
                table: "model_variants",
                column: "model_id");

            migrationBuilder.CreateIndex(
                name: "IX_model_variants_team_id_created_at",
                schema: "platform",
                table: "model_variants",
                columns: new[] { "team_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_models_artifact_sha256",
                schema: "platform",
                table: "models",
                column: "artifact_sha256");

            migrationBuilder.CreateIndex(
                name: "IX_models_team_id_created_at",
                schema: "platform",
                table: "models",
                columns: new[] { "team_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_teams_name",
                schema: "platform",
                table: "teams",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_worker_instances_device_last_heartbeat_at",
                schema: "platform",
                table: "worker_instances",
                columns: new[] { "device", "last_heartbeat_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_tokens",
                schema: "platform");

            migrationBuilder.DropTable(
                name: "artifact_chunks",
                schema: "platform");

            migrationBuilder.DropTable(
                name: "layer_results",
                schema: "platform");

            migrationBuilder.DropTable(
                name: "worker_instances",
                schema: "platform");

            migrationBuilder.DropTable(
                name: "model_variants",
                schema: "platform");

            migrationBuilder.DropTable(
                name: "jobs",
                schema: "platform");

            migrationBuilder.DropTable(
                name: "batches",
                schema: "platform");

            migrationBuilder.DropTable(
                name: "data_sets",
                schema: "platform");

            migrationBuilder.DropTable(
                name: "models",
                schema: "platform");

            migrationBuilder.DropTable(
                name: "artifacts",
                schema: "platform");

            migrationBuilder.DropTable(
                name: "teams",
                schema: "platform");
        }
    }
}
