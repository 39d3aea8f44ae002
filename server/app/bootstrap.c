/* First start and the demo programme (bootstrap.h). */
#include "app/bootstrap.h"

#include <fcntl.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/server.h"
#include "cal/tz.h"
#include "live/commit.h"
#include "ops/ops_admin.h"
#include "store/store.h"
#include "wire/meeting_json.h"

/* Writes `text` to `path` with mode 0600, replacing it. */
static int write_secret(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  size_t len = strlen(text);
  int rc = write(fd, text, len) == (ssize_t)len ? 0 : -1;
  if (fchmod(fd, 0600))
    rc = -1;
  return close(fd) || rc ? -1 : 0;
}

static void add_delegation(pl_change *ch, pl_delegation_rec *d, const char *name,
                           pl_delegation_kind kind, int group, const char *tz) {
  memset(d, 0, sizeof *d);
  snprintf(d->name, sizeof d->name, "%.127s", name);
  d->kind = kind;
  d->group = group;
  snprintf(d->tz, sizeof d->tz, "%.63s", tz);
  pl_delegation_prepare(ch, d);
}

static int add_participant(pl_change *ch, pl_participant_rec *p, const pl_delegation_rec *d,
                           const char *name, pl_role role, char *token) {
  char feed[PL_FEED_LEN];
  memset(p, 0, sizeof *p);
  snprintf(p->name, sizeof p->name, "%s", name);
  p->role = role;
  memcpy(p->delegation, d->id, sizeof p->delegation);
  return pl_invite_prepare(ch, p, token, feed) == PL_ERR_OK ? 0 : -1;
}

static int demo_meeting(pl_change *ch, const char *json) {
  pl_meeting_rec rec;
  char msg[256];
  json_error_t jerr;
  json_t *args = json_loads(json, 0, &jerr);
  int rc = -1;
  if (!args || pl_meeting_init_defaults(&rec))
    goto out;
  if (pl_meeting_from_json(&rec, args, PL_MEETING_CREATE, msg, sizeof msg) == PL_ERR_OK &&
      pl_change_meeting_new(ch, &rec, PL_PEV_MEETING_CREATED))
    rc = 0;
  else
    fprintf(stderr, "plenaryd: demo meeting: %s\n", msg);
  pl_meeting_rec_release(&rec);
out:
  json_decref(args);
  return rc;
}

/* The Monday on or after 1 July next year, as "YYYY-MM-DD". */
static void next_july_monday(int64_t now, char *buf, size_t len) {
  time_t t = (time_t)(now / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  struct tm july = {.tm_year = tm.tm_year + 1, .tm_mon = 6, .tm_mday = 1, .tm_hour = 12};
  time_t jt = timegm(&july);
  gmtime_r(&jt, &july);
  int add = (8 - july.tm_wday) % 7; /* tm_wday: 0 Sunday, 1 Monday */
  july.tm_mday += add;
  jt = timegm(&july);
  gmtime_r(&jt, &july);
  strftime(buf, len, "%Y-%m-%d", &july);
}

typedef struct demo_link {
  const char *who;
  char token[PL_TOKEN_LEN];
} demo_link;

/* Adds the demo programme to the change; the invite links go to links[]. */
static int demo_fill(pl_change *ch, const pl_delegation_rec *secretariat, demo_link *links) {
  static const struct {
    const char *name, *tz;
    int group;
  } states[] = {
      {"Kenya", "Africa/Nairobi", PL_GROUP_AFRICAN},
      {"Ghana", "Africa/Accra", PL_GROUP_AFRICAN},
      {"Japan", "Asia/Tokyo", PL_GROUP_ASIA_PACIFIC},
      {"Fiji", "Pacific/Fiji", PL_GROUP_ASIA_PACIFIC},
      {"Estonia", "Europe/Tallinn", PL_GROUP_EASTERN_EUROPEAN},
      {"Brazil", "America/Sao_Paulo", PL_GROUP_LATIN_AMERICAN_CARIBBEAN},
      {"Mexico", "America/Mexico_City", PL_GROUP_LATIN_AMERICAN_CARIBBEAN},
      {"Canada", "America/Toronto", PL_GROUP_WESTERN_EUROPEAN_OTHER},
      {"Switzerland", "Europe/Zurich", PL_GROUP_WESTERN_EUROPEAN_OTHER},
  };
  pl_delegation_rec d[9], au, gfce;
  pl_participant_rec p;
  for (size_t i = 0; i < 9; i++)
    add_delegation(ch, &d[i], states[i].name, PL_DELEGATION_STATE, states[i].group,
                   states[i].tz);
  add_delegation(ch, &au, "African Union Commission", PL_DELEGATION_ORGANIZATION, -1,
                 "Africa/Addis_Ababa");
  add_delegation(ch, &gfce, "Global Forum on Cyber Expertise", PL_DELEGATION_NGO, -1,
                 "Europe/Amsterdam");
  char chair_id[PL_ID_LEN];
  if (add_participant(ch, &p, secretariat, "Ambassador Amina Diallo (Chair)", PL_ROLE_CHAIR,
                      links[0].token))
    return -1;
  snprintf(chair_id, sizeof chair_id, "%s", p.id);
  if (add_participant(ch, &p, &d[0], "Wanjiru Kamau", PL_ROLE_DELEGATE, links[1].token) ||
      add_participant(ch, &p, &d[2], "Haruto Sato", PL_ROLE_DELEGATE, links[2].token) ||
      add_participant(ch, &p, &au, "Tesfaye Bekele", PL_ROLE_OBSERVER, links[3].token) ||
      add_participant(ch, &p, &gfce, "Public gallery", PL_ROLE_VIEWER, links[4].token) ||
      add_participant(ch, &p, secretariat, "Conference officer", PL_ROLE_SECRETARIAT,
                      links[5].token))
    return -1;
  /* Delegates of the other States, so the list of speakers can fill up. */
  char spare[PL_TOKEN_LEN];
  for (size_t i = 0; i < 9; i++)
    if (i != 0 && i != 2 &&
        add_participant(ch, &p, &d[i], "Head of delegation", PL_ROLE_DELEGATE, spare))
      return -1;

  int64_t now = ch->now;
  char today[PL_LOCAL_LEN], july[16], json[2048];
  pl_utc_to_local(now, "Europe/Zurich", today, sizeof today);
  today[10] = '\0';
  snprintf(json, sizeof json,
           "{\"title\": \"Thematic meeting on capacity building\", \"kind\": \"thematic\","
           " \"format\": \"hybrid\", \"tz\": \"Europe/Zurich\", \"start\": \"%sT09:00\","
           " \"end\": \"%sT18:00\", \"pillar\": \"capacity_building\","
           " \"location\": \"Palais des Nations, Room XVII, Geneva\","
           " \"video_url\": \"https://meet.example.org/poa-capacity-building\","
           " \"chair\": \"%s\", \"items\": ["
           "{\"title\": \"Opening of the meeting\"},"
           "{\"title\": \"Capacity-building needs and offers\"},"
           "{\"title\": \"Segment for stakeholders\", \"kind\": \"stakeholder\"},"
           "{\"title\": \"Closing\"}]}",
           today, today, chair_id);
  if (demo_meeting(ch, json))
    return -1;
  next_july_monday(now, july, sizeof july);
  snprintf(json, sizeof json,
           "{\"title\": \"Annual meeting of the Programme of Action\","
           " \"kind\": \"annual_meeting\", \"format\": \"hybrid\", \"tz\": \"America/New_York\","
           " \"start\": \"%sT10:00\", \"end\": \"%sT18:00\","
           " \"rrule\": \"FREQ=DAILY;COUNT=5\", \"location\": \"UN Headquarters, New York\","
           " \"chair\": \"%s\", \"items\": ["
           "{\"title\": \"General exchange of views\"},"
           "{\"title\": \"Implementation of the Programme of Action\"},"
           "{\"title\": \"Statements by observers and stakeholders\", \"kind\": \"stakeholder\"}]}",
           july, july, chair_id);
  return demo_meeting(ch, json);
}

/* Writes the demo's invite links beside the database, for every start to print. */
static int demo_write_links(const pl_config *cfg, const demo_link *links) {
  char path[4096], text[2048] = "";
  size_t off = 0;
  for (size_t i = 0; i < 6; i++)
    off += (size_t)snprintf(text + off, sizeof text - off, "%s\t%s\n", links[i].who,
                            links[i].token);
  snprintf(path, sizeof path, "%s.demo-links", cfg->db);
  return write_secret(path, text);
}

/* Commits a change made at start; says why not. */
static int commit(pl_change *ch, const char *what) {
  char msg[128];
  pl_err e = pl_change_commit(ch, msg, sizeof msg);
  pl_change_release(ch);
  if (e != PL_ERR_OK)
    fprintf(stderr, "plenaryd: could not create %s: %s\n", what, msg);
  return e == PL_ERR_OK ? 0 : -1;
}

int pl_bootstrap(const pl_config *cfg) {
  int64_t n;
  if (pl_store_delegation_count(pl_srv->store, &n) != PL_STORE_OK)
    return -1;
  if (n > 0)
    return 0;
  pl_delegation_rec sec;
  pl_participant_rec admin;
  char token[PL_TOKEN_LEN], path[4096];
  pl_change ch;
  pl_change_init(&ch, pl_now_ms());
  add_delegation(&ch, &sec, "Secretariat", PL_DELEGATION_SECRETARIAT, -1, "Europe/Zurich");
  if (add_participant(&ch, &admin, &sec, "Programme administrator", PL_ROLE_SECRETARIAT,
                      token)) {
    pl_change_release(&ch);
    return -1;
  }
  if (commit(&ch, "the secretariat"))
    return -1;
  char line[PL_TOKEN_LEN + 1];
  snprintf(path, sizeof path, "%s.admin-token", cfg->db);
  snprintf(line, sizeof line, "%s\n", token);
  if (write_secret(path, line)) {
    fprintf(stderr, "plenaryd: cannot write %s\n", path);
    return -1;
  }
  lwsl_user("first start: the secretariat's token is in %s\n", path);
  if (!cfg->demo)
    return 0;
  demo_link links[6] = {{"chair", ""}, {"delegate (Kenya, in the room)", ""},
                        {"delegate (Japan, remote)", ""}, {"observer (African Union)", ""},
                        {"viewer", ""}, {"secretariat", ""}};
  pl_change_init(&ch, pl_now_ms());
  if (demo_fill(&ch, &sec, links)) {
    pl_change_release(&ch);
    fprintf(stderr, "plenaryd: could not create the demo programme\n");
    return -1;
  }
  if (commit(&ch, "the demo programme"))
    return -1;
  return demo_write_links(cfg, links);
}

int pl_demo_print_links(const pl_config *cfg, int port) {
  char path[4096], line[512];
  snprintf(path, sizeof path, "%s.demo-links", cfg->db);
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "plenaryd: --demo fills only an empty database; %s has no demo\n",
            cfg->db);
    return 0;
  }
  const char *host = strcmp(cfg->listen_addr, "0.0.0.0") == 0 ? "127.0.0.1" : cfg->listen_addr;
  printf("Plenary demo: open these invite links in a browser\n");
  while (fgets(line, sizeof line, f)) {
    char *tab = strchr(line, '\t');
    if (!tab)
      continue;
    *tab = '\0';
    tab[strcspn(tab + 1, "\n") + 1] = '\0';
    printf("  %-32s %s://%s:%d/#token=%s\n", line, cfg->plain ? "http" : "https", host, port,
           tab + 1);
  }
  fclose(f);
  fflush(stdout);
  return 0;
}
