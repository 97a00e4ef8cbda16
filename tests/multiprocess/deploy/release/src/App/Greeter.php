<?php
namespace App;

class Greeter { const VERSION = '@V@'; }
