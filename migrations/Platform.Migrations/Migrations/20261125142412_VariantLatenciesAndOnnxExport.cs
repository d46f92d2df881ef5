using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Platform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class VariantLatenciesAndOnnxExport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "onnx_export_sha256",
                schema: "platform",
                table: "model_variants",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "variant_latencies",
                schema: "platform",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    variant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    runtime = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    ms_p50 = table.Column<double>(type: "double precision", nullable: false),
                    ms_p90 = table.Column<double>(type: "double precision", nullable: false),
                    fp32_ms_p50 = table.Column<double>(type: "double precision", nullable: true),
                    threads = table.Column<int>(type: "integer", nullable: false),
                    batch_size = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_variant_latencies", x => x.id);
                    table.ForeignKey(
                        name: "FK_variant_latencies_model_variants_variant_id",
                        column: x => x.variant_id,
                        principalSchema: "platform",
                        principalTable: "model_variants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_model_variants_onnx_export_sha256",
                schema: "platform",
                table: "model_variants",
                column: "onnx_export_sha256");

            migrationBuilder.CreateIndex(
                name: "IX_variant_latencies_variant_id_runtime",
                schema: "platform",
                table: "variant_latencies",
                columns: new[] { "variant_id", "runtime" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_model_variants_artifacts_onnx_export_sha256",
                schema: "platform",
                table: "model_variants",
                column: "onnx_export_sha256",
                principalSchema: "platform",
                principalTable: "artifacts",
                principalColumn: "sha256",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_model_variants_artifacts_onnx_export_sha256",
                schema: "platform",
                table: "model_variants");

            migrationBuilder.DropTable(
                name: "variant_latencies",
                schema: "platform");

            migrationBuilder.DropIndex(
                name: "IX_model_variants_onnx_export_sha256",
                schema: "platform",
                table: "model_variants");

            migrationBuilder.DropColumn(
                name: "onnx_export_sha256",
                schema: "platform",
                table: "model_variants");
        }
    }
}
