namespace Platform.Web.Teams;

public sealed record CreateTeamRequest(string Name);
