using Platform.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatformWeb();

var app = builder.Build();
app.MapPlatformWeb();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
